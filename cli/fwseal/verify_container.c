/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/fwseal/verify_container.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/util/cli.h"
#include "encryptor/fwh_encimg.h"
#include "fw_enc_header.h"
#include "fw_err.h"

/* Key helpers of cmd_decrypt.c. */
int enc_decrypt_key(const char *rsa_path, const char *hmac_path, struct fwh_encimg_key *k);
void enc_decrypt_key_free(struct fwh_encimg_key *k);

const char verify_container_help[] =
    "\nESP encrypted image containers (magic CF B6 88 07) are recognised:\n"
    "  --decrypt-key PRIV.pem       RSA-3072 container key: the container is decrypted\n"
    "                               in a stream into the verifier (nothing written), and\n"
    "                               the image is valid only if the GCM tag verifies AND\n"
    "                               every check of the inner signed image passes\n"
    "  --decrypt-hmac-key HMAC.bin  same for an ECIES-P256 container (device HMAC key)\n"
    "  --header-only                without a key, check only the container header\n"
    "                               (magic, lengths, reserved bytes) and exit 0 if it is\n"
    "                               well formed. Without a key and without this option\n"
    "                               the result is exit 1: the inner image was NOT checked.\n"
    "  e.g. fwseal verify app.enc.bin --decrypt-key rsa_priv.pem --trust release_pub.pem\n";

int verify_is_container(const char *path)
{
    uint8_t m[4];
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(m, 1, sizeof m, f);
    fclose(f);
    return fw_enc_check_magic(m, n) == FW_OK;
}

static struct fwh_check *add(struct fwh_report *r, const char *name, int rc, const char *detail)
{
    return fwh_report_add(r, name, rc == FW_OK ? FWH_PASS : FWH_FAIL, 1, rc, "%s", detail);
}

static int finish(const struct fwh_report *r, const char *path, int json)
{
    if (json) fwh_report_print_json(r, path, stdout);
    else fwh_report_print_text(r, stdout);
    const struct fwh_check *ff = fwh_report_first_failure(r);
    if (!ff) return 0;
    return cli_err(ff->err == FW_ERR_IO || ff->err == FW_ERR_CRYPTO ? EXIT_IO : EXIT_REJECT, "%s: %s: %s", path,
                   ff->name, ff->detail);
}

static int header_only_report(const char *path, int header_only, int json)
{
    static struct fwh_report r;
    struct fwh_encimg_info ci;
    char why[200] = "", detail[200];
    fwh_report_init(&r);
    FILE *f = fopen(path, "rb");
    if (!f) return cli_err(EXIT_IO, "%s: %s", path, strerror(errno));
    int rc = fwh_encimg_inspect(f, &ci, why, sizeof why);
    fclose(f);
    if (rc == FW_ERR_IO) return cli_err(EXIT_IO, "%s: %s", path, why);
    snprintf(detail, sizeof detail, "%s", ci.header_ok ? "magic CF B6 88 07, 512-byte header" : why);
    add(&r, "container.header", ci.header_ok ? FW_OK : rc, detail);
    if (ci.header_ok) {
        snprintf(detail, sizeof detail, "%s (bin_size %u, scheme guess %s)", rc == FW_OK || ci.length_ok ? "512 + bin_size bytes" : why,
                 ci.h.bin_size, fw_enc_scheme_name(ci.scheme_guess));
        add(&r, "container.length", ci.length_ok ? FW_OK : rc, detail);
        add(&r, "container.reserved", ci.reserved_ok ? FW_OK : FW_ERR_FORMAT,
            ci.reserved_ok ? "reserved bytes zero" : "reserved header bytes are not zero");
    }
    fwh_report_add(&r, "inner.image", header_only ? FWH_SKIP : FWH_FAIL, !header_only, header_only ? 0 : FW_ERR_STATE,
                   "NOT checked: no decryption key (give --decrypt-key or --decrypt-hmac-key%s)",
                   header_only ? "" : ", or --header-only to accept a header check");
    return finish(&r, path, json);
}

static int sink_verify(void *arg, const uint8_t *p, size_t n)
{
    return fwh_verify_update(arg, p, n);
}

int verify_container(const struct fwh_verify_opts *o, const char *path, const char *rsa_key, const char *hmac_key,
                     int header_only, int json)
{
    if (!rsa_key && !hmac_key) return header_only_report(path, header_only, json);
    if (header_only) return cli_err(EXIT_USAGE, "verify: --header-only and a decryption key exclude each other");
    struct fwh_encimg_key k;
    int rc = enc_decrypt_key(rsa_key, hmac_key, &k);
    if (rc) return rc;
    static struct fwh_report r, inner;
    struct fwh_verify *v = NULL;
    struct fw_enc_header h;
    char why[200] = "";
    fwh_report_init(&r);
    FILE *f = fopen(path, "rb");
    if (!f) { enc_decrypt_key_free(&k); return cli_err(EXIT_IO, "%s: %s", path, strerror(errno)); }
    if (fwh_verify_new(&v, o) != FW_OK) { fclose(f); enc_decrypt_key_free(&k); return cli_err(EXIT_IO, "out of memory"); }
    int err = fwh_encimg_decrypt_stream(&k, f, sink_verify, v, &h, why, sizeof why);
    fclose(f);
    enc_decrypt_key_free(&k);
    if (err == FW_ERR_IO) { fwh_verify_free(v); return cli_err(EXIT_IO, "%s: %s", path, why); }
    /* The verifier saw the plaintext as it streamed, but its verdict is only
     * used once the tag authenticated that plaintext. */
    if (err != FW_OK) {
        add(&r, "container.decrypt", err, why);
        fwh_report_add(&r, "inner.image", FWH_SKIP, 0, 0, "not checked: the container did not authenticate");
    } else {
        add(&r, "container.decrypt", FW_OK, "GCM tag verified, length 512 + bin_size");
        fwh_verify_finish(v, &inner);
        for (size_t i = 0; i < inner.n; i++)
            *fwh_report_add(&r, "-", FWH_PASS, 0, 0, "-") = inner.checks[i];
    }
    fwh_verify_free(v);
    return finish(&r, path, json);
}
