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

/* When expr (through implicit conversions and parentheses) is a member
 * access `x.m` or `p->m` of a struct declared in a system header, writes m
 * into buf and returns buf; otherwise NULL. */
const char *ast_system_member(CXCursor expr, char *buf, size_t len);

/* 1 when binop is a plain assignment `a = b` (read from the operator
 * token; 0 when the operator is not available, see ast_binary_operator). */
int ast_is_assignment(CXTranslationUnit tu, CXCursor binop);

/* 1 when binop is `==` or `!=`. */
int ast_is_equality(CXTranslationUnit tu, CXCursor binop);

/* Calls fn for each initialiser of the InitListExpr `init`: designated
 * ones (`.m = v`) with the member name m, positional ones with field NULL
 * and their position. `value` is the initialising expression. */
typedef void (*ast_init_fn)(const char *field, unsigned position, CXCursor value, void *data);
void ast_init_fields(CXCursor init, ast_init_fn fn, void *data);

/* 1 when type t is the typedef in_addr_t (through further typedefs,
 * qualifiers, and, with through_pointers, pointers and arrays). */
int ast_type_is_in_addr_t(CXType t, int through_pointers);

/* 1 when expr (through parentheses, casts and implicit conversions) is a
 * 32-bit IPv4 address value: the s_addr member of a system struct in_addr,
 * a variable or parameter of type in_addr_t, or htonl()/ntohl() of one. */
int ast_is_ipv4_value(CXCursor expr);

/* The last child cursor of c, or a null cursor. */
CXCursor ast_last_child(CXCursor c);

/* Where expr ends, found without its start (linear in a chain of binary
 * operators, where the extent's end is quadratic over the chain). */
CXSourceLocation ast_expr_end(CXCursor expr);

#endif
