/*
 * The per-thread IPC buffer pointer. Thread-local, as in upstream libsel4, so each thread's
 * runtime sets its own after installing its TLS block.
 */
#include <sel4/syscalls.h>

__thread seL4_IPCBuffer *__sel4_ipc_buffer;
