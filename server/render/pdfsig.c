/* SPDX-License-Identifier: EUPL-1.2 */
/* Verification of a signed PDF: see pdfsig.h and docs/signing.md.
 *
 * Three readers look at the file and must agree: libqpdf finds the
 * signature dictionaries (the AcroForm's signature fields and their
 * values), OpenSSL verifies each CMS signature over the bytes of its
 * /ByteRange and the signer's chain against the trust store, and
 * poppler-glib's signature API verifies each signature field again and
 * renders the pages for the comparison with the issued PDF. The byte
 * ranges are checked here, on the raw bytes, before anything trusts
 * them. */
#include "render/pdfsig.h"

#include <cairo.h>
#include <math.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poppler.h>
#include <pthread.h>
#include <qpdf/qpdf-c.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/utf8.h"

#define MAX_FIELDS 1000          /* AcroForm nodes visited at most */
#define MAX_DEPTH 32             /* field tree depth */
#define MAX_PIXELS 4000000.0     /* one compared page: 16 MB at 4 bytes a pixel */
#define PIXEL_TOLERANCE 8        /* per colour channel, out of 255 */
#define MAX_EXEMPT_SHARE 0.25    /* signature widgets: at most this share of a page */

struct pdfsig_trust {
	X509_STORE *store;
	int count;
};

/* One signature as its dictionary gives it. */
struct sig {
	long long range[4];          /* /ByteRange */
	const unsigned char *cms;    /* /Contents, owned by the qpdf handle's copy below */
	unsigned char *cms_copy;     /* malloc'd */
	size_t cms_len;
	int64_t signed_at;           /* the CMS signingTime, else m_date */
	int64_t m_date;              /* the dictionary's /M */
	char signer[256], issuer[512];
};

static int64_t pdf_date(const char *s, size_t n);

static atomic_bool rendered;
/* poppler's first signature validation initialises NSS through unguarded
 * statics: one verification at a time (uploads of signed PDFs are rare). */
static pthread_mutex_t poppler_lock = PTHREAD_MUTEX_INITIALIZER;

bool pdfsig_rendered(void)
{
	return atomic_load(&rendered);
}

static const char *const result_names[] = {
    [PDFSIG_OK] = "ok",
    [PDFSIG_NOT_PDF] = "not_pdf",
    [PDFSIG_UNSIGNED] = "unsigned",
    [PDFSIG_MALFORMED] = "malformed",
    [PDFSIG_NOT_WHOLE] = "not_whole",
    [PDFSIG_INVALID] = "invalid",
    [PDFSIG_NO_TRUST] = "no_trust_store",
    [PDFSIG_UNTRUSTED] = "untrusted",
    [PDFSIG_OTHER_DOCUMENT] = "other_document",
    [PDFSIG_ERROR] = "error",
};

const char *pdfsig_result_name(enum pdfsig_result r)
{
	return (unsigned)r < sizeof result_names / sizeof result_names[0] ? result_names[r] : "error";
}

static void fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	/* A message cut short must not end inside a character. */
	size_t n = strlen(err);
	while (n > 0 && !utf8_valid(err, n))
		n--;
	err[n] = '\0';
}

/* Copies `s` (n bytes, from a certificate: hostile) into dst as valid UTF-8
 * without control characters, cut at a character boundary. */
static void clean_text(char *dst, size_t dstlen, const unsigned char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < dstlen;) {
		unsigned cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			dst[o++] = '?';
			i += k ? k : 1;
			continue;
		}
		if (o + k >= dstlen)
			break;
		memcpy(dst + o, s + i, k);
		o += k;
		i += k;
	}
	dst[o] = '\0';
}

/* ---- trust store ----------------------------------------------------- */

pdfsig_trust_t *pdfsig_trust_load(const char *path, char *err, size_t errlen)
{
	if (!path || !*path) {
		fail(err, errlen, "no path");
		return NULL;
	}
	pdfsig_trust_t *t = calloc(1, sizeof *t);
	if (!t || !(t->store = X509_STORE_new())) {
		free(t);
		fail(err, errlen, "out of memory");
		return NULL;
	}
	struct stat sb;
	bool is_dir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
	FILE *f = is_dir ? NULL : fopen(path, "r");
	if (f) {
		/* A bundle: count what it holds (X509_STORE_load_file does not say). */
		X509 *x;
		while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
			if (X509_STORE_add_cert(t->store, x) == 1)
				t->count++;
			X509_free(x);
		}
		ERR_clear_error();
		fclose(f);
	}
	if (is_dir && X509_STORE_load_path(t->store, path) == 1) {
		/* A hashed directory is read when a certificate is looked up. */
		t->count = -1;
	}
	ERR_clear_error();
	if (t->count == 0) {
		fail(err, errlen, "%s: no PEM certificate there (a bundle or an `openssl rehash` directory)",
		     path);
		pdfsig_trust_free(t);
		return NULL;
	}
	return t;
}

int pdfsig_trust_count(const pdfsig_trust_t *t)
{
	return t ? t->count : 0;
}

void pdfsig_trust_free(pdfsig_trust_t *t)
{
	if (!t)
		return;
	X509_STORE_free(t->store);
	free(t);
}

/* ---- reading ----------------------------------------------------------- */

static void drop_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
}

/* poppler-glib reports a damaged file's syntax errors through GLib's log,
 * quoting the file's tokens (words of a decision): never to our log. */
static void quiet_poppler(void)
{
	g_log_set_handler("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
	                  drop_log, NULL);
}

static qpdf_data qpdf_open(const unsigned char *pdf, size_t len, bool *encrypted)
{
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	*encrypted = false;
	if (qpdf_read_memory(q, "signed", (const char *)pdf, len, NULL) & QPDF_ERRORS) {
		qpdf_error e = qpdf_get_error(q);
		*encrypted = e && qpdf_get_error_code(q, e) == qpdf_e_password;
		qpdf_cleanup(&q);
		return NULL;
	}
	if (qpdf_is_encrypted(q)) {
		*encrypted = true;
		qpdf_cleanup(&q);
		return NULL;
	}
	return q;
}

/* The document by poppler with 1..PDFSIG_MAX_PAGES pages; NULL with the
 * reason. `what` names the file in the message. */
static PopplerDocument *poppler_open(const unsigned char *pdf, size_t len, const char *what,
                                     char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, quiet_poppler);
	GBytes *bytes = g_bytes_new_static(pdf, len);
	GError *gerr = NULL;
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	g_bytes_unref(bytes);
	if (!doc) {
		bool locked = gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED;
		fail(err, errlen, locked ? "%s jest zaszyfrowany." : "%s jest uszkodzony i nie da się go odczytać.",
		     what);
		g_clear_error(&gerr);
		return NULL;
	}
	int n = poppler_document_get_n_pages(doc);
	if (n <= 0 || n > PDFSIG_MAX_PAGES) {
		fail(err, errlen, "%s ma %d stron (dozwolone od 1 do %d).", what, n, PDFSIG_MAX_PAGES);
		g_object_unref(doc);
		return NULL;
	}
	return doc;
}

/* ---- the signature dictionaries (qpdf) --------------------------------- */

struct walk {
	qpdf_data q;
	struct sig *sigs;
	int nsigs;
	int visited;
	int seen_ids[MAX_FIELDS];
	int nseen;
	bool too_many;
	bool broken;
};

static bool seen(struct walk *w, qpdf_oh oh)
{
	if (!qpdf_oh_is_indirect(w->q, oh))
		return false;
	int id = qpdf_oh_get_object_id(w->q, oh);
	for (int i = 0; i < w->nseen; i++)
		if (w->seen_ids[i] == id)
			return true;
	if (w->nseen < MAX_FIELDS)
		w->seen_ids[w->nseen++] = id;
	return false;
}

/* A signature dictionary: its byte range and contents, checked for shape. */
static void take_value(struct walk *w, qpdf_oh v)
{
	qpdf_data q = w->q;
	if (w->nsigs == PDFSIG_MAX_SIGNATURES) {
		w->too_many = true;
		return;
	}
	struct sig *s = &w->sigs[w->nsigs];
	memset(s, 0, sizeof *s);
	qpdf_oh br = qpdf_oh_get_key(q, v, "/ByteRange");
	qpdf_oh ct = qpdf_oh_get_key(q, v, "/Contents");
	qpdf_oh sf = qpdf_oh_get_key(q, v, "/SubFilter");
	if (!qpdf_oh_is_name_and_equals(q, sf, "/adbe.pkcs7.detached") &&
	    !qpdf_oh_is_name_and_equals(q, sf, "/ETSI.CAdES.detached")) {
		w->broken = true;
		return;
	}
	if (!qpdf_oh_is_array(q, br) || qpdf_oh_get_array_n_items(q, br) != 4 ||
	    !qpdf_oh_is_string(q, ct)) {
		w->broken = true;
		return;
	}
	for (int i = 0; i < 4; i++) {
		qpdf_oh it = qpdf_oh_get_array_item(q, br, i);
		if (!qpdf_oh_is_integer(q, it)) {
			w->broken = true;
			return;
		}
		s->range[i] = qpdf_oh_get_int_value(q, it);
	}
	size_t n = 0;
	const char *b = qpdf_oh_get_binary_string_value(q, ct, &n);
	if (!b || n == 0 || !(s->cms_copy = malloc(n))) {
		w->broken = true;
		return;
	}
	memcpy(s->cms_copy, b, n);
	s->cms = s->cms_copy;
	s->cms_len = n;
	qpdf_oh m = qpdf_oh_get_key(q, v, "/M");
	size_t ml = 0;
	const char *ms = qpdf_oh_is_string(q, m) ? qpdf_oh_get_binary_string_value(q, m, &ml) : NULL;
	s->m_date = ms ? pdf_date(ms, ml) : 0;
	w->nsigs++;
}

/* Field `oh` and its kids; `sig` when an ancestor says /FT /Sig. */
static void walk_field(struct walk *w, qpdf_oh oh, bool sig, int depth)
{
	qpdf_data q = w->q;
	if (depth > MAX_DEPTH || ++w->visited > MAX_FIELDS || !qpdf_oh_is_dictionary(q, oh) ||
	    seen(w, oh))
		return;
	qpdf_oh ft = qpdf_oh_get_key(q, oh, "/FT");
	if (qpdf_oh_is_name(q, ft))
		sig = qpdf_oh_is_name_and_equals(q, ft, "/Sig");
	qpdf_oh v = qpdf_oh_get_key(q, oh, "/V");
	if (sig && qpdf_oh_is_dictionary(q, v) && !seen(w, v))
		take_value(w, v);
	qpdf_oh kids = qpdf_oh_get_key(q, oh, "/Kids");
	if (qpdf_oh_is_array(q, kids)) {
		int n = qpdf_oh_get_array_n_items(q, kids);
		for (int i = 0; i < n && w->visited <= MAX_FIELDS; i++)
			walk_field(w, qpdf_oh_get_array_item(q, kids, i), sig, depth + 1);
	}
}

/* A PDF date "D:YYYYMMDDHHmmSS" with an optional "Z" or "+HH'mm'" (PDF
 * 32000-1 §7.9.4), as Unix seconds; 0 when it is not one. */
static int64_t pdf_date(const char *s, size_t n)
{
	int f[6] = {0, 1, 1, 0, 0, 0};
	static const int width[6] = {4, 2, 2, 2, 2, 2};
	size_t i = 0;
	if (n >= 2 && s[0] == 'D' && s[1] == ':')
		i = 2;
	for (int k = 0; k < 6; k++) {
		if (i + (size_t)width[k] > n || s[i] < '0' || s[i] > '9') {
			if (k == 0)
				return 0;
			break;
		}
		int v = 0;
		for (int d = 0; d < width[k]; d++, i++) {
			if (s[i] < '0' || s[i] > '9')
				return 0;
			v = v * 10 + (s[i] - '0');
		}
		f[k] = v;
	}
	if (f[0] < 1990 || f[0] > 9999 || f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 ||
	    f[4] > 59 || f[5] > 60)
		return 0;
	struct tm tm = {.tm_year = f[0] - 1900, .tm_mon = f[1] - 1, .tm_mday = f[2], .tm_hour = f[3],
	                .tm_min = f[4], .tm_sec = f[5]};
	int64_t t = (int64_t)timegm(&tm);
	if (i + 3 <= n && (s[i] == '+' || s[i] == '-') && s[i + 1] >= '0' && s[i + 1] <= '9' &&
	    s[i + 2] >= '0' && s[i + 2] <= '9') {
		int off = ((s[i + 1] - '0') * 10 + (s[i + 2] - '0')) * 3600;
		if (i + 6 <= n && s[i + 3] == '\'' && s[i + 4] >= '0' && s[i + 4] <= '9' && s[i + 5] >= '0' &&
		    s[i + 5] <= '9')
			off += ((s[i + 4] - '0') * 10 + (s[i + 5] - '0')) * 60;
		t += s[i] == '+' ? -off : off;
	}
	return t;
}

static void free_sigs(struct sig *s, int n)
{
	for (int i = 0; i < n; i++)
		free(s[i].cms_copy);
}

/* ---- byte ranges ------------------------------------------------------- */

static bool is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int hexval(unsigned char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* True when [0, end) ends a revision: `%%EOF` and at most an end of line. */
static bool revision_end(const unsigned char *pdf, long long end)
{
	long long e = end;
	while (e > 0 && (pdf[e - 1] == '\n' || pdf[e - 1] == '\r') && end - e < 2)
		e--;
	return e >= 5 && memcmp(pdf + e - 5, "%%EOF", 5) == 0;
}

/* Check 3 and 4 for one signature; `last` when it must reach the end. */
static enum pdfsig_result check_range(const unsigned char *pdf, size_t len, const struct sig *s,
                                      int i, int n, char *err, size_t errlen)
{
	long long z = s->range[0], a = s->range[1], b = s->range[2], c = s->range[3];
	if (z != 0 || a <= 0 || b <= a || c < 0 || (unsigned long long)b > len ||
	    (unsigned long long)c > len - (size_t)b) {
		fail(err, errlen, "Podpis %d z %d ma nieprawidłowy zakres podpisanych bajtów (/ByteRange).",
		     i + 1, n);
		return PDFSIG_MALFORMED;
	}
	/* The gap is the hex string of /Contents and nothing else, so no byte
	 * outside the signature is left unsigned. */
	size_t gap = (size_t)(b - a);
	bool shape = gap >= 2 && pdf[a] == '<' && pdf[b - 1] == '>' && (gap - 2) % 2 == 0 &&
	             (gap - 2) / 2 == s->cms_len;
	for (size_t k = 0; shape && k < s->cms_len; k++) {
		unsigned char h = pdf[a + 1 + 2 * k], l = pdf[a + 2 + 2 * k];
		shape = is_hex(h) && is_hex(l) && (unsigned)(hexval(h) << 4 | hexval(l)) == s->cms[k];
	}
	if (!shape) {
		fail(err, errlen,
		     "Podpis %d z %d: luka w podpisanym zakresie nie jest samym podpisem (/Contents).",
		     i + 1, n);
		return PDFSIG_MALFORMED;
	}
	long long end = b + c;
	if (!revision_end(pdf, end)) {
		fail(err, errlen,
		     "Podpis %d z %d nie obejmuje pliku do końca swojej wersji: plik zmieniono po podpisaniu "
		     "albo podpis jest uszkodzony.",
		     i + 1, n);
		return PDFSIG_NOT_WHOLE;
	}
	return PDFSIG_OK;
}

/* ---- CMS (OpenSSL) ----------------------------------------------------- */

static int64_t asn1_time_unix(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return (int64_t)timegm(&tm);
}

/* The signingTime signed attribute, 0 when absent. */
static int64_t signing_time(CMS_SignerInfo *si)
{
	int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	if (idx < 0)
		return 0;
	X509_ATTRIBUTE *at = CMS_signed_get_attr(si, idx);
	ASN1_TYPE *v = at ? X509_ATTRIBUTE_get0_type(at, 0) : NULL;
	if (!v)
		return 0;
	if (v->type == V_ASN1_UTCTIME || v->type == V_ASN1_GENERALIZEDTIME)
		return asn1_time_unix((const ASN1_TIME *)v->value.asn1_string);
	return 0;
}

static void name_text(char *dst, size_t dstlen, const X509_NAME *nm, bool cn_only)
{
	dst[0] = '\0';
	if (cn_only) {
		int idx = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
		X509_NAME_ENTRY *e = idx >= 0 ? X509_NAME_get_entry(nm, idx) : NULL;
		unsigned char *u = NULL;
		int n = e ? ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(e)) : -1;
		if (n > 0)
			clean_text(dst, dstlen, u, (size_t)n);
		OPENSSL_free(u);
		if (*dst)
			return;
	}
	BIO *m = BIO_new(BIO_s_mem());
	if (!m)
		return;
	if (X509_NAME_print_ex(m, nm, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		char *p;
		long n = BIO_get_mem_data(m, &p);
		if (n > 0)
			clean_text(dst, dstlen, (const unsigned char *)p, (size_t)n);
	}
	BIO_free(m);
}

/* The bytes a signature covers, concatenated, in a memory BIO. */
static BIO *signed_bytes(const unsigned char *pdf, const struct sig *s)
{
	BIO *m = BIO_new(BIO_s_mem());
	if (!m)
		return NULL;
	if (BIO_write(m, pdf, (int)s->range[1]) != (int)s->range[1] ||
	    (s->range[3] > 0 &&
	     BIO_write(m, pdf + s->range[2], (int)s->range[3]) != (int)s->range[3])) {
		BIO_free(m);
		return NULL;
	}
	return m;
}

/* Check 5 (OpenSSL's part) and 6 for one signature; fills s->signer,
 * issuer and signed_at. */
static enum pdfsig_result check_cms(const unsigned char *pdf, struct sig *s, int i, int n,
                                    const pdfsig_trust_t *trust, int64_t now, char *err,
                                    size_t errlen)
{
	enum pdfsig_result res = PDFSIG_INVALID;
	const unsigned char *p = s->cms;
	CMS_ContentInfo *cms = NULL;
	BIO *content = NULL;
	STACK_OF(X509) *signers = NULL, *certs = NULL;
	X509_STORE_CTX *xs = NULL;
	if (s->cms_len > (size_t)INT32_MAX || s->range[1] > INT32_MAX || s->range[3] > INT32_MAX)
		goto bad;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)s->cms_len);
	if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
	    sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms)) != 1 || !CMS_is_detached(cms))
		goto bad;
	if (!(content = signed_bytes(pdf, s))) {
		res = PDFSIG_ERROR;
		fail(err, errlen, "Brak pamięci przy sprawdzaniu podpisu.");
		goto out;
	}
	if (CMS_verify(cms, NULL, NULL, content, NULL, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
		fail(err, errlen,
		     "Podpis %d z %d jest nieważny: plik zmieniono po podpisaniu albo podpis jest "
		     "uszkodzony.",
		     i + 1, n);
		goto out;
	}
	signers = CMS_get0_signers(cms);
	X509 *signer = signers && sk_X509_num(signers) == 1 ? sk_X509_value(signers, 0) : NULL;
	if (!signer)
		goto bad;
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	s->signed_at = signing_time(si);
	if (!s->signed_at)
		s->signed_at = s->m_date;
	name_text(s->signer, sizeof s->signer, X509_get_subject_name(signer), true);
	name_text(s->issuer, sizeof s->issuer, X509_get_issuer_name(signer), false);
	if (!trust) {
		res = PDFSIG_NO_TRUST;
		fail(err, errlen,
		     "Nie można sprawdzić certyfikatu podpisu: serwer nie ma skonfigurowanych zaufanych "
		     "certyfikatów (JAWNOSC_SIGNATURE_TRUST). Zgłoś to administratorowi.");
		goto out;
	}
	uint32_t ku = X509_get_key_usage(signer);
	certs = CMS_get1_certs(cms);
	xs = X509_STORE_CTX_new();
	if (!xs || X509_STORE_CTX_init(xs, trust->store, signer, certs) != 1) {
		res = PDFSIG_ERROR;
		fail(err, errlen, "Brak pamięci przy sprawdzaniu certyfikatu.");
		goto out;
	}
	X509_STORE_CTX_set_purpose(xs, X509_PURPOSE_ANY);
	X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(xs),
	                           (time_t)(s->signed_at ? s->signed_at : now));
	bool chain = X509_verify_cert(xs) == 1;
	if (!chain || !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		res = PDFSIG_UNTRUSTED;
		int e = X509_STORE_CTX_get_error(xs);
		fail(err, errlen,
		     "Certyfikat podpisu %d z %d (%s, wystawca: %s) nie jest zaufany: %s. Podpis musi być "
		     "złożony certyfikatem kwalifikowanym urzędnika.",
		     i + 1, n, s->signer, s->issuer,
		     !chain ? (e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID
		                   ? "certyfikat nie był ważny w chwili podpisu"
		                   : "nie pochodzi od zaufanego wystawcy")
		            : "nie służy do podpisu");
		goto out;
	}
	res = PDFSIG_OK;
	goto out;
bad:
	res = PDFSIG_MALFORMED;
	fail(err, errlen, "Podpis %d z %d jest uszkodzony albo nie jest podpisem PAdES.", i + 1, n);
out:
	X509_STORE_CTX_free(xs);
	sk_X509_pop_free(certs, X509_free);
	sk_X509_free(signers);
	BIO_free(content);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return res;
}

/* ---- poppler's reading of the signatures ------------------------------- */

/* Check 5 by poppler: every signature field it finds with a value is
 * VALID, and there are as many as qpdf found. */
static enum pdfsig_result check_poppler(PopplerDocument *doc, int expected, char *err,
                                        size_t errlen)
{
	GList *fields = poppler_document_get_signature_fields(doc);
	int signed_fields = 0;
	enum pdfsig_result res = PDFSIG_OK;
	for (GList *l = fields; l; l = l->next) {
		GError *gerr = NULL;
		PopplerSignatureInfo *si = poppler_form_field_signature_validate_sync(l->data, 0, NULL, &gerr);
		g_clear_error(&gerr);
		PopplerSignatureStatus st = si ? poppler_signature_info_get_signature_status(si)
		                               : POPPLER_SIGNATURE_GENERIC_ERROR;
		if (si)
			poppler_signature_info_free(si);
		if (st == POPPLER_SIGNATURE_NOT_FOUND)
			continue; /* an empty signature field */
		signed_fields++;
		if (st != POPPLER_SIGNATURE_VALID && res == PDFSIG_OK) {
			res = PDFSIG_INVALID;
			fail(err, errlen,
			     "Podpis %d jest nieważny: plik zmieniono po podpisaniu albo podpis jest "
			     "uszkodzony.",
			     signed_fields);
		}
	}
	g_list_free_full(fields, g_object_unref);
	if (res == PDFSIG_OK && signed_fields != expected) {
		res = PDFSIG_MALFORMED;
		fail(err, errlen,
		     "Nie wszystkie podpisy w pliku dają się odczytać (znaleziono %d i %d). Podpisz "
		     "dokument ponownie.",
		     expected, signed_fields);
	}
	return res;
}

/* ---- the same document: pages rendered --------------------------------- */

struct rect {
	double x0, y0, x1, y1; /* pixels, top-left origin */
};

/* The page on white at `scale` pixels a point; NULL on failure. */
static cairo_surface_t *render(PopplerPage *page, int pw, int ph, double scale)
{
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		return NULL;
	}
	cairo_t *cr = cairo_create(img);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	atomic_store(&rendered, true);
	poppler_page_render(page, cr);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	if (st != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		return NULL;
	}
	cairo_surface_flush(img);
	return img;
}

/* The signature widgets of `page` (a visible signature), in pixels; none
 * when the page is turned (their rectangles are in unturned coordinates)
 * or when together they would cover more than MAX_EXEMPT_SHARE of it. */
static int signature_widgets(PopplerPage *page, double w, double h, double scale, struct rect *out,
                             int max)
{
	PopplerRectangle crop;
	poppler_page_get_crop_box(page, &crop);
	if (fabs(fabs(crop.x2 - crop.x1) - w) > 0.5 || fabs(fabs(crop.y2 - crop.y1) - h) > 0.5)
		return 0;
	GList *map = poppler_page_get_form_field_mapping(page);
	int n = 0;
	double area = 0;
	for (GList *l = map; l; l = l->next) {
		PopplerFormFieldMapping *m = l->data;
		if (poppler_form_field_get_field_type(m->field) != POPPLER_FORM_FIELD_SIGNATURE || n == max)
			continue;
		double x0 = fmin(m->area.x1, m->area.x2), x1 = fmax(m->area.x1, m->area.x2);
		double y0 = fmin(m->area.y1, m->area.y2), y1 = fmax(m->area.y1, m->area.y2);
		if (!isfinite(x0) || !isfinite(x1) || !isfinite(y0) || !isfinite(y1))
			continue;
		x0 = fmax(x0, 0), y0 = fmax(y0, 0), x1 = fmin(x1, w), y1 = fmin(y1, h);
		if (x1 <= x0 || y1 <= y0)
			continue;
		area += (x1 - x0) * (y1 - y0);
		/* PDF space has its origin at the bottom left. */
		out[n++] = (struct rect){x0 * scale - 1, (h - y1) * scale - 1, x1 * scale + 1,
		                         (h - y0) * scale + 1};
	}
	poppler_page_free_form_field_mapping(map);
	return area > MAX_EXEMPT_SHARE * w * h ? 0 : n;
}

static bool exempt(const struct rect *r, int n, int x, int y)
{
	for (int i = 0; i < n; i++)
		if (x >= r[i].x0 && x <= r[i].x1 && y >= r[i].y0 && y <= r[i].y1)
			return true;
	return false;
}

static bool same_pixels(cairo_surface_t *a, cairo_surface_t *b, const struct rect *ex, int nex)
{
	int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
	int sa = cairo_image_surface_get_stride(a), sb = cairo_image_surface_get_stride(b);
	const unsigned char *da = cairo_image_surface_get_data(a), *db = cairo_image_surface_get_data(b);
	if (!da || !db)
		return false;
	for (int y = 0; y < h; y++) {
		const uint32_t *ra = (const uint32_t *)(da + (size_t)y * sa);
		const uint32_t *rb = (const uint32_t *)(db + (size_t)y * sb);
		for (int x = 0; x < w; x++) {
			if (ra[x] == rb[x])
				continue;
			bool close = true;
			for (int k = 0; k < 24 && close; k += 8) {
				int ca = (int)(ra[x] >> k & 0xff), cb = (int)(rb[x] >> k & 0xff);
				close = abs(ca - cb) <= PIXEL_TOLERANCE;
			}
			if (!close && !exempt(ex, nex, x, y))
				return false;
		}
	}
	return true;
}

/* Page i of both documents compared; -1 when it could not be drawn. */
static int compare_page(PopplerDocument *da, PopplerDocument *db, int i)
{
	PopplerPage *pa = poppler_document_get_page(da, i), *pb = poppler_document_get_page(db, i);
	int result = 0;
	cairo_surface_t *ia = NULL, *ib = NULL;
	double wa, ha, wb, hb;
	if (!pa || !pb) {
		result = -1;
		goto out;
	}
	poppler_page_get_size(pa, &wa, &ha);
	poppler_page_get_size(pb, &wb, &hb);
	if (!isfinite(wa) || !isfinite(ha) || wa < 1 || ha < 1 || wa > 14400 || ha > 14400) {
		result = -1;
		goto out;
	}
	if (fabs(wa - wb) > 0.01 || fabs(ha - hb) > 0.01)
		goto out; /* a different size: not the same page */
	double s = PDFSIG_DPI / 72.0;
	if (wa * ha * s * s > MAX_PIXELS)
		s = sqrt(MAX_PIXELS / (wa * ha));
	int pw = (int)ceil(wa * s), ph = (int)ceil(ha * s);
	ia = render(pa, pw, ph, s);
	ib = render(pb, pw, ph, s);
	if (!ia || !ib) {
		result = -1;
		goto out;
	}
	struct rect ex[8];
	int nex = signature_widgets(pb, wb, hb, s, ex, 8);
	result = same_pixels(ia, ib, ex, nex) ? 1 : 0;
out:
	if (ia)
		cairo_surface_destroy(ia);
	if (ib)
		cairo_surface_destroy(ib);
	if (pa)
		g_object_unref(pa);
	if (pb)
		g_object_unref(pb);
	return result;
}

static bool same_docs(PopplerDocument *da, PopplerDocument *db, int *differing_page, char *err,
                      size_t errlen)
{
	int na = poppler_document_get_n_pages(da), nb = poppler_document_get_n_pages(db);
	*differing_page = 0;
	if (na != nb) {
		fail(err, errlen,
		     "Podpisany plik nie jest wystawionym dokumentem: ma %d stron, a wystawiony %d. "
		     "Pobierz dokument do podpisu z tej strony i podpisz go bez zmian.",
		     nb, na);
		return false;
	}
	for (int i = 0; i < na; i++) {
		int r = compare_page(da, db, i);
		if (r == 1)
			continue;
		*differing_page = i + 1;
		if (r < 0)
			fail(err, errlen, "Nie da się narysować strony %d podpisanego pliku.", i + 1);
		else
			fail(err, errlen,
			     "Podpisany plik nie jest wystawionym dokumentem: strona %d wygląda inaczej. "
			     "Pobierz dokument do podpisu z tej strony i podpisz go bez zmian.",
			     i + 1);
		return false;
	}
	return true;
}

bool pdfsig_same_document(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen,
                          int *differing_page, char *err, size_t errlen)
{
	*differing_page = 0;
	if (!a || !b || alen == 0 || blen == 0) {
		fail(err, errlen, "Plik jest pusty.");
		return false;
	}
	pthread_mutex_lock(&poppler_lock);
	PopplerDocument *da = poppler_open(a, alen, "Wystawiony dokument", err, errlen);
	PopplerDocument *db = da ? poppler_open(b, blen, "Plik", err, errlen) : NULL;
	bool ok = da && db && same_docs(da, db, differing_page, err, errlen);
	if (db)
		g_object_unref(db);
	if (da)
		g_object_unref(da);
	pthread_mutex_unlock(&poppler_lock);
	return ok;
}

/* ---- the whole check --------------------------------------------------- */

static int by_end(const void *x, const void *y)
{
	const struct sig *a = x, *b = y;
	long long ea = a->range[2] + a->range[3], eb = b->range[2] + b->range[3];
	return ea < eb ? -1 : ea > eb;
}

/* Checks 3 to 6 over the signatures qpdf found. */
static enum pdfsig_result check_signatures(const unsigned char *pdf, size_t len, struct sig *sigs,
                                           int n, const pdfsig_trust_t *trust, int64_t now,
                                           char *err, size_t errlen)
{
	/* Check the shape of every range before sorting by them. */
	for (int i = 0; i < n; i++) {
		long long *r = sigs[i].range;
		if (r[0] != 0 || r[1] <= 0 || r[2] <= r[1] || r[3] < 0 || (unsigned long long)r[2] > len ||
		    (unsigned long long)r[3] > len - (size_t)r[2]) {
			fail(err, errlen,
			     "Podpis %d z %d ma nieprawidłowy zakres podpisanych bajtów (/ByteRange).", i + 1, n);
			return PDFSIG_MALFORMED;
		}
	}
	qsort(sigs, (size_t)n, sizeof *sigs, by_end);
	enum pdfsig_result r;
	for (int i = 0; i < n; i++)
		if ((r = check_range(pdf, len, &sigs[i], i, n, err, errlen)) != PDFSIG_OK)
			return r;
	for (int i = 1; i < n; i++)
		if (by_end(&sigs[i - 1], &sigs[i]) == 0) {
			fail(err, errlen, "Dwa podpisy w pliku obejmują ten sam zakres bajtów.");
			return PDFSIG_MALFORMED;
		}
	const struct sig *last = &sigs[n - 1];
	if ((unsigned long long)(last->range[2] + last->range[3]) != len) {
		fail(err, errlen,
		     "Ostatni podpis nie obejmuje całego pliku: po podpisaniu coś do niego dopisano "
		     "(%llu bajtów bez podpisu). Wgraj plik tak, jak zapisał go program do podpisu.",
		     (unsigned long long)(len - (size_t)(last->range[2] + last->range[3])));
		return PDFSIG_NOT_WHOLE;
	}
	/* Validity of every signature first, then trust: a changed file says
	 * so whoever signed it. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			r = check_cms(pdf, &sigs[i], i, n, pass ? trust : NULL, now, err, errlen);
			if (r != PDFSIG_OK && !(pass == 0 && r == PDFSIG_NO_TRUST))
				return r;
		}
	return PDFSIG_OK;
}

enum pdfsig_result pdfsig_verify(const unsigned char *signed_pdf, size_t len,
                                 const unsigned char *issued, size_t issued_len,
                                 const pdfsig_trust_t *trust, int64_t now, struct pdfsig_info *info,
                                 char *err, size_t errlen)
{
	memset(info, 0, sizeof *info);
	if (err && errlen)
		err[0] = '\0';
	if (!signed_pdf || len == 0) {
		fail(err, errlen, "Plik jest pusty.");
		return PDFSIG_NOT_PDF;
	}
	if (len < 8 || !memmem(signed_pdf, len < 1024 ? len : 1024, "%PDF-", 5) || len > INT32_MAX) {
		fail(err, errlen, "To nie jest plik PDF.");
		return PDFSIG_NOT_PDF;
	}
	bool encrypted;
	qpdf_data q = qpdf_open(signed_pdf, len, &encrypted);
	if (!q) {
		fail(err, errlen, encrypted ? "Plik PDF jest zaszyfrowany. Zapisz podpisany plik bez "
		                              "zabezpieczeń i wgraj ponownie."
		                            : "Plik PDF jest uszkodzony i nie da się go odczytać.");
		return PDFSIG_NOT_PDF;
	}
	struct sig sigs[PDFSIG_MAX_SIGNATURES];
	struct walk w = {.q = q, .sigs = sigs};
	qpdf_oh acro = qpdf_oh_get_key(q, qpdf_get_root(q), "/AcroForm");
	qpdf_oh fields = qpdf_oh_get_key(q, acro, "/Fields");
	if (qpdf_oh_is_dictionary(q, acro) && qpdf_oh_is_array(q, fields)) {
		int nf = qpdf_oh_get_array_n_items(q, fields);
		for (int i = 0; i < nf && w.visited <= MAX_FIELDS; i++)
			walk_field(&w, qpdf_oh_get_array_item(q, fields, i), false, 0);
	}
	qpdf_cleanup(&q);
	int n = w.nsigs;
	info->signatures = n;
	enum pdfsig_result res;
	if (w.too_many) {
		fail(err, errlen, "Plik ma więcej niż %d podpisów.", PDFSIG_MAX_SIGNATURES);
		res = PDFSIG_UNSIGNED;
		goto out;
	}
	if (w.broken) {
		fail(err, errlen,
		     "Podpis w pliku jest uszkodzony albo nie jest podpisem PAdES (adbe.pkcs7.detached, "
		     "ETSI.CAdES.detached).");
		res = PDFSIG_MALFORMED;
		goto out;
	}
	if (n == 0) {
		fail(err, errlen,
		     "Plik nie jest podpisany: nie ma w nim podpisu elektronicznego. Podpisz pobrany "
		     "dokument podpisem kwalifikowanym (PAdES) i wgraj go ponownie.");
		res = PDFSIG_UNSIGNED;
		goto out;
	}
	if ((res = check_signatures(signed_pdf, len, sigs, n, trust, now, err, errlen)) != PDFSIG_OK)
		goto out;
	const struct sig *last = &sigs[n - 1];
	memcpy(info->signer, last->signer, sizeof info->signer);
	memcpy(info->issuer, last->issuer, sizeof info->issuer);
	info->signed_at = last->signed_at;
	info->incremental = issued && issued_len > 0 && issued_len <= len &&
	                    memcmp(signed_pdf, issued, issued_len) == 0;

	pthread_mutex_lock(&poppler_lock);
	PopplerDocument *doc = poppler_open(signed_pdf, len, "Plik PDF", err, errlen);
	PopplerDocument *orig = doc && issued && issued_len ? poppler_open(issued, issued_len, "Wystawiony dokument", err,
	                                           errlen)
	                            : NULL;
	if (!doc)
		res = PDFSIG_NOT_PDF;
	else if (!orig)
		res = PDFSIG_ERROR;
	else if ((res = check_poppler(doc, n, err, errlen)) == PDFSIG_OK &&
	         !same_docs(orig, doc, &info->differing_page, err, errlen))
		res = PDFSIG_OTHER_DOCUMENT;
	if (orig)
		g_object_unref(orig);
	if (doc)
		g_object_unref(doc);
	pthread_mutex_unlock(&poppler_lock);
out:
	free_sigs(sigs, n);
	if (res == PDFSIG_OK && err && errlen)
		err[0] = '\0';
	return res;
}
