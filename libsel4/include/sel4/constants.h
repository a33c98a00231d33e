/*
 * Numbers of the seL4 x86_64 user ABI in the pinned configuration (upstream master after
 * 16.0.0, pc99, non-MCS, single core, IOMMU off, huge pages on, FSGSBase msr, FXSAVE,
 * debug and printing on). libsel4/ABI.md explains each group of numbers.
 *
 * This header is pure constants: the kernel includes it too, so both sides agree by
 * construction.
 */
#pragma once

/* --- System calls (RDX on entry) ------------------------------------------------------ */
#define seL4_SysCall                            (-1)
#define seL4_SysReplyRecv                       (-2)
#define seL4_SysSend                            (-3)
#define seL4_SysNBSend                          (-4)
#define seL4_SysRecv                            (-5)
#define seL4_SysReply                           (-6)
#define seL4_SysYield                           (-7)
#define seL4_SysNBRecv                          (-8)
#define seL4_SysDebugPutChar                    (-9)
#define seL4_SysDebugDumpScheduler              (-10)
#define seL4_SysDebugHalt                       (-11)
#define seL4_SysDebugCapIdentify                (-12)
#define seL4_SysDebugSnapshot                   (-13)
#define seL4_SysDebugNameThread                 (-14)
#define seL4_SysBenchmarkResetLog               (-19)
#define seL4_SysBenchmarkFinalizeLog            (-20)
#define seL4_SysBenchmarkGetThreadUtilisation   (-23)
#define seL4_SysBenchmarkResetThreadUtilisation (-24)
#define seL4_SysSetTLSBase                      (-30)

/* --- Invocation labels (column C, IOMMU off) ------------------------------------------ */
enum seL4_InvocationLabel {
    seL4_InvalidInvocation = 0,
    seL4_UntypedRetype = 1,
    seL4_TCBReadRegisters = 2,
    seL4_TCBWriteRegisters = 3,
    seL4_TCBCopyRegisters = 4,
    seL4_TCBConfigure = 5,
    seL4_TCBSetPriority = 6,
    seL4_TCBSetMCPriority = 7,
    seL4_TCBSetSchedParams = 8,
    seL4_TCBSetIPCBuffer = 9,
    seL4_TCBSetSpace = 10,
    seL4_TCBSuspend = 11,
    seL4_TCBResume = 12,
    seL4_TCBBindNotification = 13,
    seL4_TCBUnbindNotification = 14,
    seL4_TCBSetTLSBase = 15,
    seL4_TCBSetFlags = 16,
    seL4_CNodeRevoke = 17,
    seL4_CNodeDelete = 18,
    seL4_CNodeCancelBadgedSends = 19,
    seL4_CNodeCopy = 20,
    seL4_CNodeMint = 21,
    seL4_CNodeMove = 22,
    seL4_CNodeMutate = 23,
    seL4_CNodeRotate = 24,
    seL4_CNodeSaveCaller = 25,
    seL4_IRQIssueIRQHandler = 26,
    seL4_IRQAckIRQ = 27,
    seL4_IRQSetIRQHandler = 28,
    seL4_IRQClearIRQHandler = 29,
    seL4_DomainSetSet = 30,
    seL4_DomainScheduleConfigure = 31,
    seL4_DomainScheduleSetStart = 32,
    seL4_X86PDPTMap = 33,
    seL4_X86PDPTUnmap = 34,
    seL4_X86PageDirectoryMap = 35,
    seL4_X86PageDirectoryUnmap = 36,
    seL4_X86PageTableMap = 37,
    seL4_X86PageTableUnmap = 38,
    seL4_X86PageMap = 39,
    seL4_X86PageUnmap = 40,
    seL4_X86PageGetAddress = 41,
    seL4_X86ASIDControlMakePool = 42,
    seL4_X86ASIDPoolAssign = 43,
    seL4_X86IOPortControlIssue = 44,
    seL4_X86IOPortIn8 = 45,
    seL4_X86IOPortIn16 = 46,
    seL4_X86IOPortIn32 = 47,
    seL4_X86IOPortOut8 = 48,
    seL4_X86IOPortOut16 = 49,
    seL4_X86IOPortOut32 = 50,
    seL4_X86IRQIssueIRQHandlerIOAPIC = 51,
    seL4_X86IRQIssueIRQHandlerMSI = 52,
    seL4_NumInvocationLabels = 53,
};

/* --- Object types (Untyped_Retype `type`, huge pages on) ------------------------------- */
enum seL4_ObjectType {
    seL4_UntypedObject = 0,
    seL4_TCBObject = 1,
    seL4_EndpointObject = 2,
    seL4_NotificationObject = 3,
    seL4_CapTableObject = 4,
    seL4_X86_PDPTObject = 5,
    seL4_X64_PML4Object = 6,
    seL4_X64_HugePageObject = 7,
    seL4_X86_4K = 8,
    seL4_X86_LargePageObject = 9,
    seL4_X86_PageTableObject = 10,
    seL4_X86_PageDirectoryObject = 11,
    seL4_ObjectTypeCount = 12,
};

/* --- Object sizes (log2 bytes) ---------------------------------------------------------- */
#define seL4_TCBBits            11
#define seL4_EndpointBits       4
#define seL4_NotificationBits   5
#define seL4_SlotBits           5
#define seL4_PageBits           12
#define seL4_LargePageBits      21
#define seL4_HugePageBits       30
#define seL4_PageTableBits      12
#define seL4_PageDirBits        12
#define seL4_PDPTBits           12
#define seL4_PML4Bits           12
#define seL4_VSpaceBits         seL4_PML4Bits
#define seL4_ASIDPoolBits       12
#define seL4_PageTableEntryBits 3
#define seL4_PageTableIndexBits 9
#define seL4_MinUntypedBits     4
#define seL4_MaxUntypedBits     47
#define seL4_IPCBufferSizeBits  10
#define seL4_NumASIDPoolsBits   3
#define seL4_ASIDPoolIndexBits  9

/* --- Limits ------------------------------------------------------------------------------ */
#define seL4_MsgLengthBits             7
#define seL4_MsgExtraCapBits           2
#define seL4_MsgMaxLength              120
#define seL4_MsgMaxExtraCaps           3
#define seL4_FastMessageRegisters      4
#define seL4_WordBits                  64
#define seL4_WordSizeBits              3
#define seL4_BadgeBits                 64
#define seL4_GuardSizeBits             6
#define seL4_GuardBits                 58
#define seL4_CapRightsBits             4
#define seL4_NumPriorities             256
#define seL4_MaxPrio                   255
#define seL4_MinPrio                   0
#define seL4_UntypedRetypeMaxObjects   256
#define seL4_RootCNodeSizeBits         12
#define seL4_MaxNumBootinfoUntypedCaps 230
#define seL4_NumDomains                16
#define seL4_NumDomainSchedules        100
#define seL4_UserTop                   0x00007ffffffff000ul
#define seL4_MaxUserAddress            0x00007ffffffffffful
#define seL4_TimerTickMs               2
#define seL4_TimeSliceTicks            5
#define seL4_TCBFlag_fpuDisabled       1ul

/* x86 interrupts: user IRQ index 0..107 fires CPU vector 0x30 + index. */
#define seL4_IRQOffset     0x30
#define seL4_MaxUserVector 107

/* --- Initial capability slots of the root task ------------------------------------------- */
enum seL4_RootCNodeCapSlots {
    seL4_CapNull = 0,
    seL4_CapInitThreadTCB = 1,
    seL4_CapInitThreadCNode = 2,
    seL4_CapInitThreadVSpace = 3,
    seL4_CapIRQControl = 4,
    seL4_CapASIDControl = 5,
    seL4_CapInitThreadASIDPool = 6,
    seL4_CapIOPortControl = 7,
    seL4_CapIOSpace = 8,
    seL4_CapBootInfoFrame = 9,
    seL4_CapInitThreadIPCBuffer = 10,
    seL4_CapDomain = 11,
    seL4_CapSMMUSIDControl = 12,
    seL4_CapSMMUCBControl = 13,
    seL4_CapInitThreadSC = 14,
    seL4_CapSMC = 15,
    seL4_NumInitialCaps = 16,
};
#define seL4_CapInitThreadPD seL4_CapInitThreadVSpace

/* --- Errors (label of a failed invocation's reply) ---------------------------------------- */
enum seL4_Error {
    seL4_NoError = 0,
    seL4_InvalidArgument = 1,
    seL4_InvalidCapability = 2,
    seL4_IllegalOperation = 3,
    seL4_RangeError = 4,
    seL4_AlignmentError = 5,
    seL4_FailedLookup = 6,
    seL4_TruncatedMessage = 7,
    seL4_DeleteFirst = 8,
    seL4_RevokeFirst = 9,
    seL4_NotEnoughMemory = 10,
    seL4_NumErrors = 11,
};

/* --- Lookup failures ----------------------------------------------------------------------- */
enum seL4_LookupFailureType {
    seL4_NoFailure = 0,
    seL4_InvalidRoot = 1,
    seL4_MissingCapability = 2,
    seL4_DepthMismatch = 3,
    seL4_GuardMismatch = 4,
};
#define SEL4_MAPPING_LOOKUP_LEVEL   2
#define SEL4_MAPPING_LOOKUP_NO_PT   21
#define SEL4_MAPPING_LOOKUP_NO_PD   30
#define SEL4_MAPPING_LOOKUP_NO_PDPT 39

/* --- Faults: message labels and message-register positions --------------------------------- */
enum seL4_FaultType {
    seL4_Fault_NullFault = 0,
    seL4_Fault_CapFault = 1,
    seL4_Fault_UnknownSyscall = 2,
    seL4_Fault_UserException = 3,
    seL4_Fault_VMFault = 5,
};

enum seL4_CapFault_Msg {
    seL4_CapFault_IP = 0,
    seL4_CapFault_Addr = 1,
    seL4_CapFault_InRecvPhase = 2,
    seL4_CapFault_LookupFailureType = 3,
    seL4_CapFault_BitsLeft = 4,
    seL4_CapFault_DepthMismatch_BitsFound = 5,
    seL4_CapFault_GuardMismatch_GuardFound = 5,
    seL4_CapFault_GuardMismatch_BitsFound = 6,
};

enum seL4_UnknownSyscall_Msg {
    seL4_UnknownSyscall_RAX = 0,
    seL4_UnknownSyscall_RBX = 1,
    seL4_UnknownSyscall_RCX = 2,
    seL4_UnknownSyscall_RDX = 3,
    seL4_UnknownSyscall_RSI = 4,
    seL4_UnknownSyscall_RDI = 5,
    seL4_UnknownSyscall_RBP = 6,
    seL4_UnknownSyscall_R8 = 7,
    seL4_UnknownSyscall_R9 = 8,
    seL4_UnknownSyscall_R10 = 9,
    seL4_UnknownSyscall_R11 = 10,
    seL4_UnknownSyscall_R12 = 11,
    seL4_UnknownSyscall_R13 = 12,
    seL4_UnknownSyscall_R14 = 13,
    seL4_UnknownSyscall_R15 = 14,
    seL4_UnknownSyscall_FaultIP = 15,
    seL4_UnknownSyscall_SP = 16,
    seL4_UnknownSyscall_FLAGS = 17,
    seL4_UnknownSyscall_Syscall = 18,
    seL4_UnknownSyscall_Length = 19,
};

enum seL4_UserException_Msg {
    seL4_UserException_FaultIP = 0,
    seL4_UserException_SP = 1,
    seL4_UserException_FLAGS = 2,
    seL4_UserException_Number = 3,
    seL4_UserException_Code = 4,
    seL4_UserException_Length = 5,
};

enum seL4_VMFault_Msg {
    seL4_VMFault_IP = 0,
    seL4_VMFault_Addr = 1,
    seL4_VMFault_PrefetchFault = 2,
    seL4_VMFault_FSR = 3,
    seL4_VMFault_Length = 4,
};

/* --- VM attributes and rights ---------------------------------------------------------------- */
enum seL4_X86_VMAttributes {
    seL4_X86_Default_VMAttributes = 0,
    seL4_X86_WriteBack = 0,
    seL4_X86_WriteThrough = 1,
    seL4_X86_CacheDisabled = 2,
    seL4_X86_Uncacheable = 3,
    seL4_X86_WriteCombining = 4,
};

/* --- Extra bootinfo chunk identifiers --------------------------------------------------------- */
enum seL4_BootInfoID {
    SEL4_BOOTINFO_HEADER_PADDING = 0,
    SEL4_BOOTINFO_HEADER_X86_VBE = 1,
    SEL4_BOOTINFO_HEADER_X86_MBMMAP = 2,
    SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP = 3,
    SEL4_BOOTINFO_HEADER_X86_FRAMEBUFFER = 4,
    SEL4_BOOTINFO_HEADER_X86_TSC_FREQ = 5,
    SEL4_BOOTINFO_HEADER_FDT = 6,
};

/* --- DebugCapIdentify return values (x86_64 cap type tags) ------------------------------------ */
enum seL4_CapType {
    seL4_CapType_Null = 0,
    seL4_CapType_Frame = 1,
    seL4_CapType_Untyped = 2,
    seL4_CapType_PageTable = 3,
    seL4_CapType_Endpoint = 4,
    seL4_CapType_PageDirectory = 5,
    seL4_CapType_Notification = 6,
    seL4_CapType_PDPT = 7,
    seL4_CapType_Reply = 8,
    seL4_CapType_PML4 = 9,
    seL4_CapType_CNode = 10,
    seL4_CapType_ASIDControl = 11,
    seL4_CapType_Thread = 12,
    seL4_CapType_ASIDPool = 13,
    seL4_CapType_IRQControl = 14,
    seL4_CapType_IRQHandler = 16,
    seL4_CapType_Zombie = 18,
    seL4_CapType_IOPort = 19,
    seL4_CapType_Domain = 20,
    seL4_CapType_IOPortControl = 31,
};

/*
 * Cycle accounting: upstream's CONFIG_BENCHMARK_TRACK_UTILISATION interface. After
 * seL4_BenchmarkGetThreadUtilisation(tcb) the IPC buffer's msg[] holds these words.
 */
enum seL4_BenchmarkUtilisationIndex {
    BENCHMARK_TCB_UTILISATION = 0,
    BENCHMARK_TCB_NUMBER_SCHEDULES = 1,
    BENCHMARK_TCB_KERNEL_UTILISATION = 2,
    BENCHMARK_TCB_NUMBER_KERNEL_ENTRIES = 3,
    BENCHMARK_IDLE_LOCALCPU_UTILISATION = 4,
    BENCHMARK_IDLE_TCBCPU_UTILISATION = 5,
    BENCHMARK_IDLE_NUMBER_SCHEDULES = 6,
    BENCHMARK_IDLE_KERNEL_UTILISATION = 7,
    BENCHMARK_IDLE_NUMBER_KERNEL_ENTRIES = 8,
    BENCHMARK_TOTAL_UTILISATION = 9,
    BENCHMARK_TOTAL_NUMBER_SCHEDULES = 10,
    BENCHMARK_TOTAL_KERNEL_UTILISATION = 11,
    BENCHMARK_TOTAL_NUMBER_KERNEL_ENTRIES = 12,
};
