#ifndef CALC_H
#define CALC_H

/** calc_add: the sum of a and b. */
long calc_add(long a, long b);

/** calc_mul: the product of a and b. */
long calc_mul(long a, long b);

/** calc_eval: evaluates "A op B" (op is + or *) into *out; 0 on success. */
int calc_eval(const char *expr, long *out);

#endif
