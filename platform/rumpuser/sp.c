/*
 * rump_sp, the remote system call protocol, needs sockets to a client process outside the
 * rump kernel; a unikernel has no such clients. Every entry point fails with ENOTSUP and
 * says so once on the console.
 */
#include "hyp.h"

static int unsupported(void)
{
    static bool said;
    if (!said) {
        said = true;
        printf("rumpuser: remote clients (rump_sp / sysproxy) are not supported by this "
               "platform\n");
    }
    return ENOTSUP;
}

int rumpuser_sp_init(const char *url, const char *ostype, const char *osrelease,
                     const char *machine)
{
    (void)url;
    (void)ostype;
    (void)osrelease;
    (void)machine;
    return unsupported();
}

int rumpuser_sp_copyin(void *client, const void *raddr, void *laddr, size_t len)
{
    (void)client;
    (void)raddr;
    (void)laddr;
    (void)len;
    return unsupported();
}

int rumpuser_sp_copyinstr(void *client, const void *raddr, void *laddr, size_t *lenp)
{
    (void)client;
    (void)raddr;
    (void)laddr;
    (void)lenp;
    return unsupported();
}

int rumpuser_sp_copyout(void *client, const void *laddr, void *raddr, size_t len)
{
    (void)client;
    (void)laddr;
    (void)raddr;
    (void)len;
    return unsupported();
}

int rumpuser_sp_copyoutstr(void *client, const void *laddr, void *raddr, size_t *lenp)
{
    (void)client;
    (void)laddr;
    (void)raddr;
    (void)lenp;
    return unsupported();
}

int rumpuser_sp_anonmmap(void *client, size_t len, void **addrp)
{
    (void)client;
    (void)len;
    (void)addrp;
    return unsupported();
}

int rumpuser_sp_raise(void *client, int sig)
{
    (void)client;
    (void)sig;
    return unsupported();
}

void rumpuser_sp_fini(void *arg)
{
    (void)arg;
}
