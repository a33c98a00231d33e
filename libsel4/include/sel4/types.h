/*
 * Data layouts of the seL4 x86_64 user ABI: message info, rights, CNode cap data, the IPC
 * buffer, user context and bootinfo. Shared with the kernel, so it holds no code that
 * touches registers or thread-local state.
 */
#pragma once

#include <sel4/constants.h>

typedef unsigned long seL4_Word;
typedef unsigned long seL4_Uint64;
typedef unsigned int seL4_Uint32;
typedef unsigned short seL4_Uint16;
typedef unsigned char seL4_Uint8;
typedef long seL4_Int64;
typedef seL4_Word seL4_CPtr;
typedef seL4_Word seL4_NodeId;
typedef seL4_Word seL4_PAddr;
typedef seL4_Word seL4_Domain;
typedef seL4_Uint64 seL4_Time; /* kernel ticks (non-MCS): seL4_TimerTickMs each */
typedef _Bool seL4_Bool;
typedef enum seL4_Error seL4_Error;
typedef enum seL4_ObjectType seL4_ObjectType;
typedef enum seL4_LookupFailureType seL4_LookupFailureType;
typedef enum seL4_FaultType seL4_FaultType;

typedef seL4_CPtr seL4_CNode;
typedef seL4_CPtr seL4_IRQHandler;
typedef seL4_CPtr seL4_IRQControl;
typedef seL4_CPtr seL4_TCB;
typedef seL4_CPtr seL4_Untyped;
typedef seL4_CPtr seL4_DomainSet;
typedef seL4_CPtr seL4_X86_ASIDControl;
typedef seL4_CPtr seL4_X86_ASIDPool;
typedef seL4_CPtr seL4_X86_IOPortControl;
typedef seL4_CPtr seL4_X86_IOPort;
typedef seL4_CPtr seL4_X86_Page;
typedef seL4_CPtr seL4_X86_PDPT;
typedef seL4_CPtr seL4_X86_PageDirectory;
typedef seL4_CPtr seL4_X86_PageTable;
typedef seL4_CPtr seL4_X64_PML4;
typedef seL4_Word seL4_X86_VMAttributes;

/* --- Message info: label 63..12, capsUnwrapped 11..9, extraCaps 8..7, length 6..0 -------- */
typedef struct seL4_MessageInfo {
    seL4_Word words[1];
} seL4_MessageInfo_t;

static inline seL4_MessageInfo_t seL4_MessageInfo_new(seL4_Word label, seL4_Word capsUnwrapped,
                                                      seL4_Word extraCaps, seL4_Word length)
{
    seL4_MessageInfo_t info;
    info.words[0] =
        (label << 12) | ((capsUnwrapped & 0x7) << 9) | ((extraCaps & 0x3) << 7) | (length & 0x7f);
    return info;
}

static inline seL4_Word seL4_MessageInfo_get_label(seL4_MessageInfo_t info)
{
    return info.words[0] >> 12;
}

static inline seL4_Word seL4_MessageInfo_get_capsUnwrapped(seL4_MessageInfo_t info)
{
    return (info.words[0] >> 9) & 0x7;
}

static inline seL4_Word seL4_MessageInfo_get_extraCaps(seL4_MessageInfo_t info)
{
    return (info.words[0] >> 7) & 0x3;
}

static inline seL4_Word seL4_MessageInfo_get_length(seL4_MessageInfo_t info)
{
    return info.words[0] & 0x7f;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_label(seL4_MessageInfo_t info,
                                                            seL4_Word label)
{
    info.words[0] = (info.words[0] & 0xfff) | (label << 12);
    return info;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_length(seL4_MessageInfo_t info,
                                                             seL4_Word length)
{
    info.words[0] = (info.words[0] & ~0x7ful) | (length & 0x7f);
    return info;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_extraCaps(seL4_MessageInfo_t info,
                                                                seL4_Word extraCaps)
{
    info.words[0] = (info.words[0] & ~(0x3ul << 7)) | ((extraCaps & 0x3) << 7);
    return info;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_capsUnwrapped(seL4_MessageInfo_t info,
                                                                    seL4_Word capsUnwrapped)
{
    info.words[0] = (info.words[0] & ~(0x7ul << 9)) | ((capsUnwrapped & 0x7) << 9);
    return info;
}

/* --- Capability rights: bit0 write, bit1 read, bit2 grant, bit3 grant-reply --------------- */
typedef struct seL4_CapRights {
    seL4_Word words[1];
} seL4_CapRights_t;

static inline seL4_CapRights_t seL4_CapRights_new(seL4_Word grantReply, seL4_Word grant,
                                                  seL4_Word read, seL4_Word write)
{
    seL4_CapRights_t r;
    r.words[0] = ((grantReply & 1) << 3) | ((grant & 1) << 2) | ((read & 1) << 1) | (write & 1);
    return r;
}

static inline seL4_Word seL4_CapRights_get_capAllowWrite(seL4_CapRights_t r)
{
    return r.words[0] & 1;
}

static inline seL4_Word seL4_CapRights_get_capAllowRead(seL4_CapRights_t r)
{
    return (r.words[0] >> 1) & 1;
}

static inline seL4_Word seL4_CapRights_get_capAllowGrant(seL4_CapRights_t r)
{
    return (r.words[0] >> 2) & 1;
}

static inline seL4_Word seL4_CapRights_get_capAllowGrantReply(seL4_CapRights_t r)
{
    return (r.words[0] >> 3) & 1;
}

#define seL4_NoRights      seL4_CapRights_new(0, 0, 0, 0)
#define seL4_CanWrite      seL4_CapRights_new(0, 0, 0, 1)
#define seL4_CanRead       seL4_CapRights_new(0, 0, 1, 0)
#define seL4_ReadWrite     seL4_CapRights_new(0, 0, 1, 1)
#define seL4_CanGrant      seL4_CapRights_new(0, 1, 0, 0)
#define seL4_CanGrantReply seL4_CapRights_new(1, 0, 0, 0)
#define seL4_NoWrite       seL4_CapRights_new(1, 1, 1, 0)
#define seL4_NoRead        seL4_CapRights_new(1, 1, 0, 1)
#define seL4_AllRights     seL4_CapRights_new(1, 1, 1, 1)

/* --- CNode cap data: guard 63..6, guard size 5..0 ------------------------------------------ */
typedef struct seL4_CNode_CapData {
    seL4_Word words[1];
} seL4_CNode_CapData_t;

static inline seL4_CNode_CapData_t seL4_CNode_CapData_new(seL4_Word guard, seL4_Word guardSize)
{
    seL4_CNode_CapData_t d;
    d.words[0] = (guard << 6) | (guardSize & 0x3f);
    return d;
}

/* --- IPC buffer (1024 bytes, 1024-aligned) --------------------------------------------------- */
typedef struct seL4_IPCBuffer_ {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} __attribute__((__aligned__(1024))) seL4_IPCBuffer;

_Static_assert(sizeof(seL4_IPCBuffer) == 1024, "seL4_IPCBuffer is 1024 bytes");

/* --- User context (order of TCB_ReadRegisters / WriteRegisters) ---------------------------- */
typedef struct seL4_UserContext_ {
    seL4_Word rip, rsp, rflags, rax, rbx, rcx, rdx, rsi, rdi, rbp;
    seL4_Word r8, r9, r10, r11, r12, r13, r14, r15;
    seL4_Word fs_base, gs_base;
} seL4_UserContext;

_Static_assert(sizeof(seL4_UserContext) == 20 * sizeof(seL4_Word), "20 context words");

/* --- Boot information ------------------------------------------------------------------------ */
typedef struct seL4_SlotRegion {
    seL4_Word start; /* first slot */
    seL4_Word end;   /* first slot after the region */
} seL4_SlotRegion;

typedef struct seL4_UntypedDesc {
    seL4_Word paddr;
    seL4_Uint8 sizeBits;
    seL4_Uint8 isDevice;
    seL4_Uint8 padding[sizeof(seL4_Word) - 2 * sizeof(seL4_Uint8)];
} seL4_UntypedDesc;

typedef struct seL4_BootInfo {
    seL4_Word extraLen;
    seL4_NodeId nodeID;
    seL4_Word numNodes;
    seL4_Word numIOPTLevels;
    seL4_IPCBuffer *ipcBuffer;
    seL4_SlotRegion empty;
    seL4_SlotRegion sharedFrames;
    seL4_SlotRegion userImageFrames;
    seL4_SlotRegion userImagePaging;
    seL4_SlotRegion ioSpaceCaps;
    seL4_SlotRegion extraBIPages;
    seL4_Word initThreadCNodeSizeBits;
    seL4_Domain initThreadDomain;
    seL4_SlotRegion untyped;
    seL4_UntypedDesc untypedList[seL4_MaxNumBootinfoUntypedCaps];
} seL4_BootInfo;

_Static_assert(sizeof(seL4_BootInfo) == 3848, "bootinfo layout of upstream x86_64");

typedef struct seL4_BootInfoHeader {
    seL4_Word id;
    seL4_Word len; /* bytes, header included */
} seL4_BootInfoHeader;

/* X86_MBMMAP chunk: a copy of the multiboot memory map (packed entries). */
typedef struct __attribute__((packed)) seL4_X86_mb_mmap {
    seL4_Uint32 size;
    seL4_Uint64 base_addr;
    seL4_Uint64 length;
    seL4_Uint32 type;
} seL4_X86_mb_mmap_t;

typedef struct __attribute__((packed)) seL4_X86_BootInfo_mmap {
    seL4_BootInfoHeader header;
    seL4_Uint32 mmap_length;
    seL4_X86_mb_mmap_t mmap[50];
} seL4_X86_BootInfo_mmap_t;

_Static_assert(sizeof(seL4_X86_BootInfo_mmap_t) == 1220, "MBMMAP chunk is 1220 bytes");

/* X86_ACPI_RSDP chunk payload. */
typedef struct __attribute__((packed)) seL4_X86_RSDP {
    char signature[8];
    seL4_Uint8 checksum;
    char oem_id[6];
    seL4_Uint8 revision;
    seL4_Uint32 rsdt_address;
    seL4_Uint32 length;
    seL4_Uint64 xsdt_address;
    seL4_Uint8 extended_checksum;
    char reserved[3];
} seL4_X86_RSDP_t;

_Static_assert(sizeof(seL4_X86_RSDP_t) == 36, "RSDP copy is 36 bytes");

/*
 * Size (log2 bytes) of an object Untyped_Retype makes: `size_bits` is the retype argument,
 * which only untypeds and CNodes use. (Not range-checked: the kernel does that.)
 */
static inline seL4_Word seL4_ObjectSizeBits(seL4_Word type, seL4_Word size_bits)
{
    switch (type) {
    case seL4_UntypedObject:
        return size_bits;
    case seL4_TCBObject:
        return seL4_TCBBits;
    case seL4_EndpointObject:
        return seL4_EndpointBits;
    case seL4_NotificationObject:
        return seL4_NotificationBits;
    case seL4_CapTableObject:
        return size_bits + seL4_SlotBits;
    case seL4_X64_HugePageObject:
        return seL4_HugePageBits;
    case seL4_X86_LargePageObject:
        return seL4_LargePageBits;
    default: /* 4 KiB frames and every paging structure */
        return seL4_PageBits;
    }
}
