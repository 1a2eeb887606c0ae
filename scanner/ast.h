/* ast — small libclang queries shared by the checks. */
#ifndef V6SCAN_AST_H
#define V6SCAN_AST_H

#include <clang-c/Index.h>
#include <stddef.h>

/* If `call` (a CallExpr) calls a function whose first declaration is in a
 * system header and whose name is one of names[0..n), returns that entry of
 * names; otherwise NULL. A project function with a libc-like name, or a call
 * through a function pointer, is never matched. */
const char *ast_system_callee(CXCursor call, const char *const *names, size_t n);

/* Strips implicit conversions, parentheses, explicit casts and the compound
 * literal of a transparent union argument (glibc's __SOCKADDR_ARG). */
CXCursor ast_strip(CXCursor expr);

/* 1 when type t, after removing qualifiers, array dimensions and, when
 * through_pointers is set, any number of pointer levels, is the record type
 * spelled `spelling` (e.g. "struct sockaddr_in"; typedefs are looked
 * through). */
int ast_type_is(CXType t, const char *spelling, int through_pointers);

/* The first child cursor of c, or a null cursor. */
CXCursor ast_first_child(CXCursor c);

/* 1 when the record declaration `field`'s semantic parent is a system-header
 * struct named struct_name ("hostent"). */
int ast_field_of_system_struct(CXCursor field, const char *struct_name);

/* The operator of a BinaryOperator cursor ("<", "=", "&&" ...), read from
 * the first token after its left operand (libclang 14 has no operator-kind
 * API). Writes into buf and returns buf, or NULL when the tokens are not
 * available (an operator produced by a macro). */
const char *ast_binary_operator(CXTranslationUnit tu, CXCursor binop, char *buf, size_t len);

#endif
