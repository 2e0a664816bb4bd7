/* jawnosc edoreczenia: checks the e-Doręczenia settings from the command
 * line (docs/edoreczenia.md): `check` obtains an access token (the
 * certificate, key, system name and token URL work), `lookup` asks the
 * search engine for an address. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "core/log.h"
#include "edor/client.h"

static int usage(FILE *out)
{
	fputs("Usage: jawnosc edoreczenia check\n"
	      "       jawnosc edoreczenia lookup IDENTIFIER [NAME]\n\n"
	      "check   obtains an access token with the JAWNOSC_EDORECZENIA_* settings\n"
	      "lookup  asks the BAE search engine for the address of a PESEL, NIP, REGON\n"
	      "        or KRS (IDENTIFIER may be \"\" to search by NAME)\n",
	      out);
	return out == stdout ? 0 : 2;
}

int cmd_edor(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
		return usage(stdout);
	bool check = argc == 2 && !strcmp(argv[1], "check");
	bool lookup = (argc == 3 || argc == 4) && !strcmp(argv[1], "lookup");
	if (!check && !lookup)
		return usage(stderr);
	char err[1024];
	if (!config_load(err, sizeof err)) {
		fprintf(stderr, "jawnosc: %s\n", err);
		return 2;
	}
	log_set_level(cfg.log_level);
	if (sodium_init() < 0 || !edor_setup(err, sizeof err)) {
		fprintf(stderr, "jawnosc: e-Doręczenia: %s\n", err);
		return 2;
	}
	if (!edor_enabled()) {
		fprintf(stderr, "jawnosc: JAWNOSC_EDORECZENIA_URL is not set\n");
		return 2;
	}
	enum edor_result r;
	err[0] = '\0';
	if (check) {
		r = edor_check(err, sizeof err);
		if (r == EDOR_OK)
			printf("ok: access token obtained\n");
	} else {
		char address[EDOR_ADDRESS_LEN + 1];
		bool found = false;
		r = edor_lookup(argv[2], argc == 4 ? argv[3] : "", NULL, address, &found, err,
		                sizeof err);
		if (r == EDOR_OK)
			printf("%s\n", found ? address : "(no address)");
	}
	if (r != EDOR_OK)
		fprintf(stderr, "jawnosc: e-Doręczenia: %s: %s\n", edor_result_name(r), err);
	edor_cleanup();
	return r == EDOR_OK ? 0 : 1;
}
