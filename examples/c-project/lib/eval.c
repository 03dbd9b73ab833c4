#include <stdio.h>

#include "calc.h"

int calc_eval(const char *expr, long *out) {
	long a, b;
	char op;
	if (sscanf(expr, "%ld %c %ld", &a, &op, &b) != 3) {
		return -1;
	}
	switch (op) {
	case '+':
		*out = calc_add(a, b);
		return 0;
	case '*':
		*out = calc_mul(a, b);
		return 0;
	}
	return -1;
}
