/* SPDX-License-Identifier: EUPL-1.2 */
/* Runs a libFuzzer target's entry point once per file named on the command
 * line (or per file in each named directory), without the fuzzing engine, so
 * that `make check` replays the corpora and regression inputs under
 * AddressSanitizer and UndefinedBehaviorSanitizer with the ordinary compiler.
 *
 * Every argument must exist and hold at least one input: a missing or empty
 * directory is an error, not a replay of nothing that passes. Each input's
 * name is printed before it runs (so a crash names it), then one line per
 * argument with its count; the last line is the summary tests/run.sh shows. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	printf("  %s\n", path);
	fflush(stdout);
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	long n = -1;
	if (fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	if (n < 0) {
		fprintf(stderr, "%s: cannot tell its size\n", path);
		fclose(f);
		return 1;
	}
	rewind(f);
	uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
		fprintf(stderr, "%s: cannot read it\n", path);
		free(buf);
		fclose(f);
		return 1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

/* Replays the file, or every file under the directory; adds to *count. */
static int run_path(const char *path, int *count)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return run_file(path);
	}
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char sub[4096];
		int w = snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		if (w < 0 || (size_t)w >= sizeof sub) {
			fprintf(stderr, "%s/%s: path too long\n", path, e->d_name);
			rc = 1;
			continue;
		}
		rc |= run_path(sub, count);
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
		return 2;
	}
	int rc = 0, total = 0;
	char summary[4096] = "";
	size_t used = 0;
	for (int i = 1; i < argc; i++) {
		int count = 0;
		rc |= run_path(argv[i], &count);
		if (count == 0) {
			fprintf(stderr, "%s: no inputs to replay\n", argv[i]);
			rc = 1;
		}
		printf("%s: %d inputs\n", argv[i], count);
		total += count;
		int w = snprintf(summary + used, sizeof summary - used, "%s%d in %s", i > 1 ? ", " : "",
				 count, argv[i]);
		if (w > 0 && (size_t)w < sizeof summary - used)
			used += (size_t)w;
	}
	printf("replayed %d inputs%s: %s\n", total, rc ? " with errors" : "", summary);
	return rc;
}
