/*
 * Internals of the system description parser, shared by its files: sysdesc.c (lines,
 * sections, words, numbers, whole-system checks), sysdesc_keys.c (one parser per key) and
 * the files of groups of keys (sysdesc_runtime_keys.c, sysdesc_channel_keys.c).
 */
#pragma once

#include "sysdesc.h"

struct sysdesc_parser {
    struct sysdesc *desc;
    struct sysdesc_unikernel *uk; /* section being filled, 0 before the first */
    unsigned line;
    char *err;
    size_t err_size;
};

/* Reports "FILE:LINE: message" about the line being parsed; returns -1. */
int sysdesc_fail(struct sysdesc_parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/*
 * Next blank-separated word of *s into out: double quotes group blanks into a word and
 * inside them \" and \\ stand for " and \. Returns 1, 0 at the end, -1 on error.
 */
int sysdesc_next_word(struct sysdesc_parser *p, const char **s, char *out, size_t out_size);
/* The value as exactly one word; -1 after reporting. */
int sysdesc_single_word(struct sysdesc_parser *p, const char *key, const char *value, char *out,
                        size_t out_size);
/* A whole-string unsigned number in base (0: decimal, or hex with 0x); -1 if it is not. */
int sysdesc_parse_number(const char *s, unsigned base, uint64_t *out);
/* A size: a number with an optional K, M, G or T suffix, at most max bytes; -1 if it is not. */
int sysdesc_parse_size(const char *word, uint64_t max, uint64_t *out);
int sysdesc_number_in_range(struct sysdesc_parser *p, const char *key, const char *word,
                            uint64_t min, uint64_t max, uint64_t *out);
/* Copies s into the unikernel's string area; -1 after reporting if it is full. */
int sysdesc_store_string(struct sysdesc_parser *p, const char *s, uint16_t *offset);
/* Splits "a<sep>b" in place; returns b, or 0 if sep is absent. */
char *sysdesc_split_at(char *s, char sep);

typedef int sysdesc_key_parser(struct sysdesc_parser *p, const char *key, const char *value);
/* The parser of a key, or 0 if there is no such key. */
sysdesc_key_parser *sysdesc_find_key(const char *name);
/* The keys a program runtime carries out (sysdesc_runtime_keys.c), or 0. */
sysdesc_key_parser *sysdesc_find_runtime_key(const char *name);
/* The channel key (sysdesc_channel_keys.c), or 0. */
sysdesc_key_parser *sysdesc_find_channel_key(const char *name);
/* Whole-system checks of the channels (peers exist, no cycles, ends per unikernel); -1 after
 * reporting. */
int sysdesc_check_channels(struct sysdesc_parser *p);
/* A carried file entry for the unikernel being parsed (its name unique), or 0 after reporting. */
struct sysdesc_file *sysdesc_new_file(struct sysdesc_parser *p, const char *path, const char *name);
