#include <stdio.h>

#include "calc.h"

static int failures;

static void expect(const char *expr, long want) {
	long got = 0;
	if (calc_eval(expr, &got) != 0 || got != want) {
		printf("FAIL %s: got %ld, want %ld\n", expr, got, want);
		failures++;
		return;
	}
	printf("ok   %s = %ld\n", expr, want);
}

int main(void) {
	expect("2 + 3", 5);
	expect("6 * 7", 42);
	expect("-4 + 4", 0);
	expect("12 * 12", 144);
	printf("%d failure(s)\n", failures);
	return failures != 0;
}
