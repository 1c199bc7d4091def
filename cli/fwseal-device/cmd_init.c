/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device init: create a simulated device (flash, eFuses, partition table).
 *
 * Options live in one table. Adding one = one table line + one function:
 *   - `parse` runs while the command line is read (store a setting in ctx);
 *   - `provision` runs after the base device exists (eFuses burned, partition
 *     table written and read back, otadata erased), once per occurrence and
 *     in command-line order, with c->dd open (c->dd->dev has the partitions).
 * Either may be NULL. Both return 0 or an exit code (after printing the error).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/dev_secret.h"
#include "cli/fwseal-device/fleet_cli.h"
#include "cli/fwseal-device/nvs_cli.h"
#include "cli/fwseal-device/stage_cli.h"
#include "cli/fwseal-device/devdir.h"
#include "cli/util/cli.h"
#include "device/fwd_crypto.h"
#include "device/fwd_efuse.h"
#include "fw_bytes.h"
#include "fw_image.h"
#include "fw_manifest.h"
#include "fw_partition.h"
#include "host/fwh_pt_csv.h"

#define INIT_MAX_OCC 64

struct init_ctx {
    const char *dir;
    const char *partitions;
    uint64_t flash_size;
    const char *chip;
    long chip_rev;                /* -1: default for the chip */
    uint64_t write_align;
    int force;
    int fe_mode;                  /* enum fwd_fe_mode */
    const char *fe_key_path;
    uint8_t digest[FWD_EFUSE_DIGEST_SLOTS][32];
    unsigned ndigest;
    unsigned n_p384, n_other;     /* --secure-boot-key keys by digest: SHA-384 or SHA-256 */
    int sb_sha384;                /* --secure-boot-sha384 */
    long secure_version;          /* -1: not given */
    unsigned require_sigs;        /* k of n signature policy (default 1) */
    int hw_keys;                  /* --key-mode hardware */
    const char *device_id;        /* --id: fleet device id */
    const char *device_group;     /* --group: fleet rollout group */
    struct fwd_sim_keys keys;     /* hardware: what goes into DIR/keystore.bin */
    uint8_t *hw_secret;           /* hardware: validated RSA PEM (NUL counted) or HMAC key */
    size_t hw_secret_len;
    int hw_secret_rsa;
    struct devdir *dd;            /* provision phase */
};

typedef int (*init_fn)(struct init_ctx *c, const char *arg);

struct init_opt {
    const char *name;
    const char *metavar;          /* NULL: flag without argument */
    const char *help;
    init_fn parse;
    init_fn provision;
};

static int add_digest(struct init_ctx *c, const uint8_t d[32], const char *what)
{
    if (c->ndigest == FWD_EFUSE_DIGEST_SLOTS)
        return cli_err(EXIT_USAGE, "%s: at most %d secure boot keys/digests", what, FWD_EFUSE_DIGEST_SLOTS);
    memcpy(c->digest[c->ndigest++], d, 32);
    return 0;
}

static int opt_partitions(struct init_ctx *c, const char *a) { c->partitions = a; return 0; }
static int opt_force(struct init_ctx *c, const char *a) { (void)a; c->force = 1; return 0; }
static int opt_chip(struct init_ctx *c, const char *a)
{
    if (fw_chip_from_name(a) < 0) return cli_err(EXIT_USAGE, "--chip: unknown chip '%s'", a);
    c->chip = a;
    return 0;
}
static int opt_u64(const char *name, const char *a, uint64_t max, uint64_t *out)
{
    if (cli_parse_u64(a, out) || *out > max) return cli_err(EXIT_USAGE, "%s: bad value '%s'", name, a);
    return 0;
}
static int opt_flash_size(struct init_ctx *c, const char *a)
{
    if (opt_u64("--flash-size", a, 0x1000000, &c->flash_size)) return EXIT_USAGE;
    if (c->flash_size < 0x10000 || c->flash_size % 0x1000)
        return cli_err(EXIT_USAGE, "--flash-size: %s is not a multiple of 4 KiB between 64 KiB and 16 MiB", a);
    return 0;
}
static int opt_chip_rev(struct init_ctx *c, const char *a)
{
    uint64_t v;
    if (opt_u64("--chip-rev", a, 0xFFFF, &v)) return EXIT_USAGE;
    c->chip_rev = (long)v;
    return 0;
}
static int opt_write_align(struct init_ctx *c, const char *a)
{
    if (opt_u64("--write-align", a, 256, &c->write_align) || c->write_align == 0 || 4096 % c->write_align)
        return cli_err(EXIT_USAGE, "--write-align: must divide 4096 (1, 2, 4 ... 256)");
    return 0;
}
static int opt_fe(struct init_ctx *c, const char *a)
{
    if (!strcmp(a, "xts-128")) c->fe_mode = FWD_FE_XTS128;
    else if (!strcmp(a, "xts-256")) c->fe_mode = FWD_FE_XTS256;
    else if (!strcmp(a, "off")) c->fe_mode = FWD_FE_OFF;
    else return cli_err(EXIT_USAGE, "--flash-encryption: expected xts-128, xts-256 or off");
    return 0;
}
static int opt_fe_key(struct init_ctx *c, const char *a) { c->fe_key_path = a; return 0; }
static int opt_sb_key(struct init_ctx *c, const char *a)
{
    uint8_t *pem, d[32];
    size_t n;
    int rc = cli_read_file(a, 64 * 1024, &pem, &n);
    if (rc) return rc;
    enum fw_sbv2_scheme scheme = FW_SBV2_SCHEME_NONE;
    rc = fwd_efuse_key_digest_pem_scheme(pem, n, d, &scheme);
    /* DER: try it under each label mbedTLS reads a key from */
    static const char *const labels[] = {"PUBLIC KEY", "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"};
    for (size_t i = 0; rc && !cli_is_pem(pem, n) && i < sizeof labels / sizeof labels[0]; i++) {
        size_t m;
        uint8_t *armoured = cli_pem_armour(pem, n, labels[i], &m);
        if (!armoured) break;
        rc = fwd_efuse_key_digest_pem_scheme(armoured, m, d, &scheme);
        fw_wipe(armoured, m);
        free(armoured);
    }
    fw_wipe(pem, n);
    free(pem);
    if (rc)
        return cli_err(EXIT_REJECT, "%s: not an RSA-3072 or ECDSA P-256/P-384/P-192 key (%s)", a, fw_strerror(rc));
    if (scheme == FW_SBV2_ECDSA_P384) c->n_p384++;
    else c->n_other++;
    return add_digest(c, d, a);
}
static int opt_sb_sha384(struct init_ctx *c, const char *a) { (void)a; c->sb_sha384 = 1; return 0; }
static int opt_sb_digest(struct init_ctx *c, const char *a)
{
    uint8_t d[32];
    if (cli_parse_hex(a, d, sizeof d) != 32) return cli_err(EXIT_USAGE, "--secure-boot-digest: expected 64 hex digits");
    return add_digest(c, d, "--secure-boot-digest");
}
static int opt_secver(struct init_ctx *c, const char *a)
{
    uint64_t v;
    if (opt_u64("--secure-version", a, FWD_EFUSE_SECVER_MAX, &v)) return EXIT_USAGE;
    c->secure_version = (long)v;
    return 0;
}

static int opt_require_sigs(struct init_ctx *c, const char *a)
{
    uint64_t v;
    if (cli_parse_u64(a, &v) || v < 1 || v > FWD_EFUSE_SIGREQ_MAX)
        return cli_err(EXIT_USAGE, "--require-signatures: expected 1, 2 or 3, got '%s'", a);
    c->require_sigs = (unsigned)v;
    return 0;
}

static int opt_id(struct init_ctx *c, const char *a)
{
    if (!fleet_id_valid(a))
        return cli_err(EXIT_USAGE, "--id: '%s': 1 to %d letters, digits, '.', '_' or '-', not starting with '.'",
                       a, FLEET_ID_MAX);
    c->device_id = a;
    return 0;
}

static int opt_group(struct init_ctx *c, const char *a)
{
    if (fw_mf_check_group(a) != FW_OK)
        return cli_err(EXIT_USAGE, "--group: '%s': 1 to 15 letters, digits, '.', '_' or '-'", a);
    c->device_group = a;
    return 0;
}

static int opt_key_mode(struct init_ctx *c, const char *a)
{
    if (!strcmp(a, "hardware")) c->hw_keys = 1;
    else if (!strcmp(a, "raw")) c->hw_keys = 0;
    else return cli_err(EXIT_USAGE, "--key-mode: '%s': use raw or hardware", a);
    return 0;
}

/* Hardware mode: the secret goes into the key peripherals (seal_keystore),
 * never into a file of DIR. The last one given wins, as in raw mode. */
static int prov_secret(struct init_ctx *c, const char *rsa, const char *hmac)
{
    if (!c->hw_keys) return dev_secret_provision(c->dir, rsa, hmac);
    if (c->hw_secret) { fw_wipe(c->hw_secret, c->hw_secret_len); free(c->hw_secret); c->hw_secret = NULL; }
    c->hw_secret_rsa = rsa != NULL;
    return dev_secret_take(rsa, hmac, &c->hw_secret, &c->hw_secret_len);
}

static int prov_decrypt_key(struct init_ctx *c, const char *a) { return prov_secret(c, a, NULL); }
static int prov_decrypt_hmac(struct init_ctx *c, const char *a) { return prov_secret(c, NULL, a); }
static int prov_nvs_keys(struct init_ctx *c, const char *a) { return nvscli_provision_keys(c->dd, a); }
static int prov_bootloader(struct init_ctx *c, const char *a) { return stage_init_bootloader(c->dd, a); }
static int prov_recovery(struct init_ctx *c, const char *a) { return stage_init_recovery(c->dd, a); }
static int prov_journal(struct init_ctx *c, const char *a) { return stage_init_journal(c->dd, a); }

static const struct init_opt opts[] = {
    {"--partitions", "CSV|BIN", "partition table (gen_esp32part CSV or binary) [required]", opt_partitions, NULL},
    {"--flash-size", "SIZE", "flash size, e.g. 4MB, 0x400000 (default 4MB)", opt_flash_size, NULL},
    {"--chip", "NAME", "chip, e.g. esp32c3, esp32s3 (default esp32c3)", opt_chip, NULL},
    {"--chip-rev", "N", "chip revision major*100+minor (default: 4 on esp32c3, 2 on esp32s3, else 0)", opt_chip_rev, NULL},
    {"--write-align", "N", "flash program granularity in bytes (default 4)", opt_write_align, NULL},
    {"--flash-encryption", "MODE", "xts-128 (32-byte key) or xts-256 (64-byte key); default off", opt_fe, NULL},
    {"--flash-key", "KEY.bin", "flash-encryption key, key-file order (espsecure)", opt_fe_key, NULL},
    {"--secure-boot-key", "PUB.pem", "burn the SBv2 digest of this key (repeatable, up to 3)", opt_sb_key, NULL},
    {"--secure-boot-digest", "HEX", "burn this 32-byte SBv2 key digest (repeatable)", opt_sb_digest, NULL},
    {"--secure-boot-sha384", NULL, "burn SECURE_BOOT_SHA384_EN: keys are ECDSA P-384, images verified over SHA-384 (implied by a P-384 --secure-boot-key)", opt_sb_sha384, NULL},
    {"--require-signatures", "K", "boot and OTA need K signatures by distinct trusted keys (1..3, default 1; eFuse, can only be raised)", opt_require_sigs, NULL},
    {"--secure-version", "N", "initial eFuse secure_version (thermometer, 0..32)", opt_secver, NULL},
    {"--decrypt-key", "PRIV.pem", "device RSA-3072 key for pre-encrypted OTA images (stored 0600)", NULL, prov_decrypt_key},
    {"--decrypt-hmac-key", "HMAC.bin", "device ECIES HMAC key (32 bytes) for pre-encrypted OTA images", NULL, prov_decrypt_hmac},
    {"--nvs-keys", "NVSKEYS.bin", "write this nvs_keys image into the nvs_keys partition (flash-encrypted)", NULL, prov_nvs_keys},
    {"--bootloader", "BL.bin", "write this bootloader image at the chip's offset; the ROM then verifies it at every boot", NULL, prov_bootloader},
    {"--recovery-bootloader", "BL.bin", "write it into the bootloader/recovery partition: a ROM that falls back to it (the recovery-bootloader option of newer chips)", NULL, prov_recovery},
    {"--copy-journal", "LABEL", "this data partition holds the copy journal of staged updates (ota --target)", NULL, prov_journal},
    {"--key-mode", "MODE", "raw (keys readable, default) or hardware (keys only in simulated peripherals)", opt_key_mode, NULL},
    {"--id", "ID", "fleet device id (device.conf; `update` fetches the release header of this id)", opt_id, NULL},
    {"--group", "NAME", "fleet rollout group (a release listing it includes this device at any percentage)", opt_group, NULL},
    {"--force", NULL, "re-create an existing device directory", opt_force, NULL},
};
#define NOPTS (sizeof opts / sizeof opts[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: fwseal-device init DIR --partitions CSV|BIN [options]\n\n"
               "Create a simulated device in DIR: erased flash, eFuses, the partition table\n"
               "at 0x8000 (written through flash encryption when enabled), otadata erased.\n\noptions:\n");
    for (size_t i = 0; i < NOPTS; i++) {
        char lhs[48];
        snprintf(lhs, sizeof lhs, "%s%s%s", opts[i].name, opts[i].metavar ? " " : "", opts[i].metavar ? opts[i].metavar : "");
        fprintf(f, "  %-32s %s\n", lhs, opts[i].help);
    }
    fprintf(f, "\nWith --key-mode hardware the flash-encryption key and the decryption secret\n"
               "live only in simulated key peripherals (DIR/keystore.bin): the eFuse image\n"
               "reads zeros for the key, the device library reaches them only through the\n"
               "HMAC / RSA / encrypted-flash callbacks. FWSEAL_SIM_KEY_MODE sets the default.\n");
    fprintf(f, "\nexample:\n  fwseal-device init dev --partitions partitions_two_ota.csv \\\n"
               "      --flash-encryption xts-256 --flash-key fe_key_512.bin \\\n"
               "      --secure-boot-key sb_rsa3072_key1_pub.pem --secure-version 1\n"
               "  fwseal-device init dev --partitions partitions_two_ota.csv \\\n"
               "      --secure-boot-key a_pub.pem --secure-boot-key b_pub.pem --require-signatures 2\n"
               "\nWith --require-signatures K, the bootloader and OTA accept an image only if\n"
               "K of its signature blocks verify with DISTINCT trusted, non-revoked keys (two\n"
               "blocks by one key count once). The policy is an eFuse field: write-once,\n"
               "never lowered, and a blank field means 1, never 0.\n");
}

static const char *env_var(const char *name) { return getenv(name); }

static int md5_cb(void *ctx, const uint8_t *data, size_t len, uint8_t out[16])
{
    (void)ctx;
    return fwd_md5(data, len, out) == FW_OK ? 0 : -1;
}

/* CSV or binary -> the 0xC00-byte binary table, validated. */
static int load_table(struct init_ctx *c, uint8_t bin[FW_PT_LEN])
{
    uint8_t *buf;
    size_t n;
    int rc = cli_read_file(c->partitions, 256 * 1024, &buf, &n);
    if (rc) return rc;
    struct fw_pt *t = calloc(1, sizeof *t);
    struct fw_pt_diag diag;
    memset(&diag, 0, sizeof diag);
    if (!t) { free(buf); return cli_err(EXIT_IO, "out of memory"); }
    if (n >= 2 && buf[0] == 0xAA && buf[1] == 0x50) {
        rc = n > FW_PT_LEN ? FW_ERR_FORMAT : fw_pt_parse(t, buf, n, c->flash_size, md5_cb, NULL, 0);
        if (rc == FW_OK) {
            memset(bin, 0xFF, FW_PT_LEN);
            memcpy(bin, buf, n);
        }
    } else {
        rc = fw_pt_from_csv(t, (const char *)buf, n, FW_PT_OFFSET_DEFAULT, env_var, &diag);
        if (rc == FW_OK) rc = fw_pt_to_binary(t, 1, md5_cb, NULL, bin);
    }
    if (rc == FW_OK) rc = fw_pt_check(t, FW_PT_OFFSET_DEFAULT, c->flash_size, &diag);
    free(t);
    free(buf);
    if (rc == FW_OK) return 0;
    if (diag.msg[0] && diag.line) return cli_err(EXIT_REJECT, "%s: line %u: %s", c->partitions, diag.line, diag.msg);
    if (diag.msg[0]) return cli_err(EXIT_REJECT, "%s: %s", c->partitions, diag.msg);
    return cli_err(EXIT_REJECT, "%s: invalid partition table: %s", c->partitions, fw_strerror(rc));
}

static int efuse_state(struct init_ctx *c, struct fwd_efuse_state *st)
{
    memset(st, 0, sizeof *st);
    int id = fw_chip_from_name(c->chip);
    st->chip_id = (uint16_t)id;
    st->chip_rev = (uint16_t)(c->chip_rev >= 0 ? c->chip_rev : id == FW_CHIP_ESP32C3 ? 4 : id == FW_CHIP_ESP32S3 ? 2 : 0);
    for (unsigned i = 0; i < c->ndigest; i++) {
        memcpy(st->digest[i], c->digest[i], 32);
        st->digest_present |= (uint8_t)(1u << i);
    }
    /* One digest per device (FORMATS 2.8, ESP32-C5): P-384 keys need SHA-384
     * images, the others SHA-256, so the two never mix on one device. */
    if (c->n_p384 && c->n_other)
        return cli_err(EXIT_USAGE, "--secure-boot-key: ECDSA P-384 keys (SHA-384) and other keys (SHA-256) cannot be "
                                   "trusted by one device");
    if (c->sb_sha384 && c->n_other)
        return cli_err(EXIT_USAGE, "--secure-boot-sha384: every --secure-boot-key must then be an ECDSA P-384 key");
    st->sb_sha384 = (uint8_t)(c->sb_sha384 || c->n_p384);
    if (c->require_sigs > 1 && c->require_sigs > c->ndigest)
        return cli_err(EXIT_USAGE, "--require-signatures %u: only %u secure boot key(s) given: no image could ever boot",
                       c->require_sigs, c->ndigest);
    if (fwd_efuse_sigreq_bits(c->require_sigs, &st->sig_required_bits))
        return cli_err(EXIT_USAGE, "--require-signatures: out of range");
    if (c->secure_version > 0 && fwd_efuse_secver_bits((unsigned)c->secure_version, &st->secure_version_bits))
        return cli_err(EXIT_USAGE, "--secure-version: out of range");
    st->fe_mode = (uint8_t)c->fe_mode;
    if (c->fe_mode == FWD_FE_OFF) {
        if (c->fe_key_path) return cli_err(EXIT_USAGE, "--flash-key needs --flash-encryption xts-128|xts-256");
        return 0;
    }
    if (!c->fe_key_path) return cli_err(EXIT_USAGE, "--flash-encryption needs --flash-key KEY.bin");
    uint8_t *k;
    size_t n;
    int rc = cli_read_file(c->fe_key_path, 1024, &k, &n);
    if (rc) return rc;
    /* The key length decides the cipher (32 bytes: XTS-AES-128, 64: XTS-AES-256):
     * the names are easy to mix up with key sizes ("xts_256" key files are
     * XTS-AES-128 keys), so a disagreeing --flash-encryption only warns. */
    int mode = n == 32 ? FWD_FE_XTS128 : n == 64 ? FWD_FE_XTS256 : FWD_FE_OFF;
    if (mode != FWD_FE_OFF) memcpy(st->fe_key, k, n);
    fw_wipe(k, n);
    free(k);
    if (mode == FWD_FE_OFF)
        return cli_err(EXIT_REJECT, "%s: %zu bytes; a flash-encryption key is 32 (xts-128) or 64 (xts-256) bytes",
                       c->fe_key_path, n);
    if (mode != c->fe_mode)
        cli_warn("%s: %zu-byte key: using %s", c->fe_key_path, n, mode == FWD_FE_XTS128 ? "xts-128 (XTS-AES-128)" : "xts-256 (XTS-AES-256)");
    c->fe_mode = mode;
    st->fe_mode = (uint8_t)mode;
    if (fw_chip_from_name(c->chip) == FW_CHIP_ESP32C3 && mode == FWD_FE_XTS256)
        cli_warn("%s: the real esp32c3 supports XTS-AES-128 only (FORMATS 4.2); simulating XTS-AES-256 anyway", c->chip);
    return 0;
}

struct occ {
    const struct init_opt *opt;
    const char *arg;
};

static int parse_args(struct init_ctx *c, int argc, char **argv, struct occ *occ, size_t *nocc)
{
    *nocc = 0;
    for (int i = 1; i < argc; i++) {
        if (!cli_is_option(argv[i])) {
            if (c->dir) return cli_err(EXIT_USAGE, "init: unexpected argument '%s'", argv[i]);
            c->dir = argv[i];
            continue;
        }
        const struct init_opt *o = NULL;
        for (size_t j = 0; j < NOPTS; j++)
            if (!strcmp(argv[i], opts[j].name)) o = &opts[j];
        if (!o) return cli_err(EXIT_USAGE, "init: unknown option '%s' (see --help)", argv[i]);
        const char *arg = NULL;
        if (o->metavar) {
            if (i + 1 >= argc) return cli_err(EXIT_USAGE, "init: %s needs %s", o->name, o->metavar);
            arg = argv[++i];
        }
        int rc = o->parse ? o->parse(c, arg) : 0;
        if (rc) return rc;
        if (o->provision) {
            if (*nocc == INIT_MAX_OCC) return cli_err(EXIT_USAGE, "init: too many options");
            occ[*nocc].opt = o;
            occ[(*nocc)++].arg = arg;
        }
    }
    if (!c->dir) return cli_err(EXIT_USAGE, "init: missing DIR (see --help)");
    if (!c->partitions) return cli_err(EXIT_USAGE, "init: --partitions CSV|BIN is required");
    return 0;
}

/* eFuses, then the table through flash encryption, read back, otadata erased. */
static int build_device(struct init_ctx *c, const struct fwd_efuse_state *st, const uint8_t table[FW_PT_LEN])
{
    struct devdir *dd = c->dd;
    const struct fwd_platform *p = &dd->sim.plat;
    int rc = p->efuse.burn(p->efuse.ctx, st);
    if (rc) return devdir_fail(dd, "eFuse burn", rc);
    fwd_dev_close(&dd->dev);
    dd->dev_open = 0;
    if ((rc = fwd_dev_open_blank(&dd->dev, p))) return devdir_fail(dd, "flash encryption", rc);
    dd->dev_open = 1;
    uint32_t pt = FW_PT_OFFSET_DEFAULT;
    if ((rc = fwd_flash_erase(&p->flash, pt, FW_PT_SECTOR_LEN)) || (rc = fwd_dev_write_abs(&dd->dev, pt, table, FW_PT_LEN, 1)))
        return devdir_fail(dd, "writing the partition table", rc);
    if ((rc = devdir_load_table(dd))) return rc;
    const struct fwd_part *od = fwd_part_find_type(&dd->dev, FWD_PT_DATA, FWD_PST_DATA_OTA);
    if (od && (rc = fwd_part_erase(&dd->dev, od, 0, od->size))) return devdir_fail(dd, "erasing otadata", rc);
    return 0;
}

static void remove_device_files(const char *dir)
{
    const char *files[] = {"flash.bin", "efuse.bin", "device.conf", "keystore.bin"};
    char p[1100];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
}

/* Hardware mode, before the device is built: the flash-encryption key
 * moves from the eFuse image into the peripherals (the eFuse reads zeros
 * there, like a read-protected key block) and the peripherals are attached. */
static int hw_attach(struct init_ctx *c, struct fwd_efuse_state *st)
{
    c->keys.fe_mode = st->fe_mode;
    memcpy(c->keys.fe_key, st->fe_key, sizeof c->keys.fe_key);
    fw_wipe(st->fe_key, sizeof st->fe_key);
    int rc = fwd_sim_keystore_open(&c->dd->ks, &c->keys);
    if (rc) return devdir_fail(c->dd, "key peripherals", rc);
    fwd_sim_keystore_attach(&c->dd->ks, &c->dd->sim.plat);
    return 0;
}

/* Hardware mode, after provisioning: all keys into DIR/keystore.bin (0600). */
static int seal_keystore(struct init_ctx *c)
{
    if (c->hw_secret && c->hw_secret_rsa) {
        c->keys.rsa_pem = c->hw_secret;
        c->keys.rsa_pem_len = c->hw_secret_len;
    } else if (c->hw_secret) {
        c->keys.has_hmac = 1;
        memcpy(c->keys.hmac_key, c->hw_secret, sizeof c->keys.hmac_key);
    }
    int rc = fwd_sim_keystore_save(&c->keys, devdir_path(c->dd, "keystore.bin"));
    return rc ? devdir_fail(c->dd, "keystore.bin", rc) : 0;
}

static int run_init(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    struct init_ctx c;
    memset(&c, 0, sizeof c);
    c.flash_size = 4u << 20;
    c.chip = "esp32c3";
    c.chip_rev = -1;
    c.write_align = 4;
    c.secure_version = -1;
    c.require_sigs = 1;
    /* The default key mode comes from FWSEAL_SIM_KEY_MODE (the e2e suites
     * run once per mode with it); --key-mode overrides. */
    const char *km = getenv("FWSEAL_SIM_KEY_MODE");
    if (km && *km && opt_key_mode(&c, km)) return EXIT_USAGE;
    struct occ occ[INIT_MAX_OCC];
    size_t nocc;
    int rc = parse_args(&c, argc, argv, occ, &nocc);
    if (rc) return rc;
    uint8_t table[FW_PT_LEN];
    struct fwd_efuse_state st;
    if ((rc = load_table(&c, table))) return rc;
    if ((rc = efuse_state(&c, &st))) { fw_wipe(&st, sizeof st); return rc; }
    struct devdir_new nd = {(uint32_t)c.flash_size, c.chip, st.chip_id, st.chip_rev, (uint32_t)c.write_align,
                            FW_PT_OFFSET_DEFAULT, c.hw_keys, c.device_id,
                            c.device_group};
    rc = devdir_create(c.dir, &nd, c.force, &c.dd);
    if (rc == 0 && c.hw_keys) rc = hw_attach(&c, &st);
    if (rc == 0) rc = build_device(&c, &st, table);
    fw_wipe(&st, sizeof st);
    for (size_t i = 0; rc == 0 && i < nocc; i++) rc = occ[i].opt->provision(&c, occ[i].arg);
    if (rc == 0 && c.hw_keys) rc = seal_keystore(&c);
    if (c.hw_secret) { fw_wipe(c.hw_secret, c.hw_secret_len); free(c.hw_secret); }
    fw_wipe(&c.keys, sizeof c.keys);
    if (rc == 0)
        printf("initialised %s: %s, %" PRIu64 " KiB flash, flash encryption %s, %zu partitions, %u secure boot digest(s), %u signature(s) required, secure_version %ld%s\n",
               c.dir, c.chip, c.flash_size / 1024,
               c.fe_mode == FWD_FE_XTS128 ? "xts-128" : c.fe_mode == FWD_FE_XTS256 ? "xts-256" : "off",
               c.dd->dev.nparts, c.ndigest, c.require_sigs, c.secure_version > 0 ? c.secure_version : 0,
               c.hw_keys ? ", keys in hardware" : "");
    if (rc == 0 && c.device_id)
        printf("fleet device id %s%s%s\n", c.device_id, c.device_group ? ", group " : "", c.device_group ? c.device_group : "");
    devdir_close(c.dd);
    if (rc && rc != EXIT_POWER_LOSS && c.dd) remove_device_files(c.dir);
    return rc;
}

const struct cli_cmd cmd_init = {"init", "create a simulated device (flash, eFuses, partition table)", run_init};
