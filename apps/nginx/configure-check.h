/*
 * The test programs of nginx's configure that configure-check runs: each is the program
 * configure built (its main renamed), with the check's name as configure announced it.
 * configure-check-table writes the table (make test-nginx-configure).
 */
#ifndef NGINX_CONFIGURE_CHECK_H
#define NGINX_CONFIGURE_CHECK_H

struct configure_check {
    const char *name;
    int (*run)(void);
};

extern const struct configure_check configure_checks[];
extern const int configure_check_count;

#endif
