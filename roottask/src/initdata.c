/*
 * The init data of a process (struct uk_init, unikernel.h): built in a root-task buffer while
 * the process is set up, then copied into read-only frames at UK_INIT_VADDR. The argv, envp
 * and confv arrays and their strings follow the struct; pointers are addresses in the
 * process.
 */
#include "roottask.h"

static seL4_Word strings_offset(void)
{
    return ROUND_UP(sizeof(struct uk_init), sizeof(seL4_Word));
}

seL4_Word initdata_size(const struct process *p)
{
    const struct sysdesc_unikernel *uk = p->uk;
    return strings_offset() + (uk->argc + 1 + uk->envc + 1 + uk->nconf + 1) * sizeof(char *) +
           uk->strings_used;
}

void initdata_begin(const struct process *p, struct uk_init *ui)
{
    memset(ui, 0, sizeof(*ui));
    ui->magic = UK_INIT_MAGIC;
    ui->version = UK_INIT_VERSION;
    memcpy(ui->name, p->uk->name, sizeof(ui->name));
    ui->instance = p->index;
    ui->priority = p->uk->priority;
    ui->tsc_hz = boot_clock.tsc_hz;
    ui->boot_epoch_seconds = boot_clock.epoch_seconds;
    ui->boot_tsc = boot_clock.tsc;
    ui->start_tsc = p->building_since;
    ui->ipc_buffer = UK_IPC_BUFFER_VADDR;
    ui->stack_top = UK_STACK_TOP;
}

seL4_Word initdata_finish(const struct process *p, struct uk_init *ui)
{
    const struct sysdesc_unikernel *uk = p->uk;
    char *base = (char *)ui;
    seL4_Word at = strings_offset();
    char **argv = (char **)(base + at);
    char **envp = argv + uk->argc + 1;
    char **confv = envp + uk->envc + 1;
    char *strings = (char *)(confv + uk->nconf + 1);
    seL4_Word strings_vaddr = UK_INIT_VADDR + (seL4_Word)(strings - base);

    memcpy(strings, uk->strings, uk->strings_used);
    for (unsigned i = 0; i < uk->argc; i++) {
        argv[i] = (char *)(strings_vaddr + uk->argv[i]);
    }
    argv[uk->argc] = 0;
    for (unsigned i = 0; i < uk->envc; i++) {
        envp[i] = (char *)(strings_vaddr + uk->env[i]);
    }
    envp[uk->envc] = 0;
    for (unsigned i = 0; i < uk->nconf; i++) {
        confv[i] = (char *)(strings_vaddr + uk->conf[i]);
    }
    confv[uk->nconf] = 0;
    ui->argc = uk->argc;
    ui->argv = (char **)(UK_INIT_VADDR + at);
    ui->envc = uk->envc;
    ui->envp = (char **)(UK_INIT_VADDR + at + (uk->argc + 1) * sizeof(char *));
    ui->confc = uk->nconf;
    ui->confv = (char **)(UK_INIT_VADDR + at + (uk->argc + 1 + uk->envc + 1) * sizeof(char *));
    return initdata_size(p);
}
