#include <stdio.h>
#include <string.h>

#include "calc.h"

/* calc: reads one expression per line, prints its value. */
int main(void) {
	char line[256];
	int status = 0;
	while (fgets(line, sizeof line, stdin)) {
		long v;
		line[strcspn(line, "\n")] = 0;
		if (calc_eval(line, &v) != 0) {
			fprintf(stderr, "calc: cannot evaluate %s\n", line);
			status = 1;
			continue;
		}
		printf("%ld\n", v);
	}
	return status;
}
