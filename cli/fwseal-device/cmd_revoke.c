/* SPDX-License-Identifier: Apache-2.0 */
/* fwseal-device revoke: the running app revokes a Secure Boot V2 key
 * (fwd_ota_revoke_key: the eFuse KEY_REVOKEn bit, one bit, power-safe), as
 * esp_ota_revoke_secure_boot_public_key does after an update signed by the
 * new key is confirmed. Refuses anything that would leave the device with
 * no image to boot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/fwseal-device/commands.h"
#include "cli/fwseal-device/devdir.h"
#include "cli/fwseal-device/running.h"
#include "cli/util/cli.h"
#include "device/fwd_efuse.h"
#include "fw_bytes.h"

struct revoke_args {
    const char *dir;
    long slot;                 /* -1: from --key */
    const char *key;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: fwseal-device revoke DIR (--slot N | --key PUB.pem)\n\n"
               "The running app revokes a Secure Boot V2 key: burns the eFuse KEY_REVOKE bit\n"
               "of digest slot N (0..2), or of the slot holding PUB.pem's digest. From then\n"
               "on, OTA and the bootloader ignore signatures by that key; images need\n"
               "signatures by other trusted keys (as many as the device's\n"
               "--require-signatures policy). One bit: a power cut leaves the key revoked or\n"
               "not, never half. Boots first if no app runs.\n\n"
               "Refused (exit 1, nothing burned) when it would brick the device:\n"
               "  - the running app is not confirmed yet (run `fwseal-device confirm`);\n"
               "  - the running image would no longer verify: it carries no signature by\n"
               "    another trusted, non-revoked key satisfying the policy. Install and\n"
               "    confirm an image signed by the new key (or by both) first.\n"
               "Revoking a key that is already revoked succeeds and burns nothing.\n\n"
               "options:\n"
               "  --slot N                         eFuse digest slot to revoke (0..2)\n"
               "  --key PUB.pem                    revoke the slot holding this key's digest\n\n"
               "example (key rotation, docs/guide.md section 6):\n"
               "  fwseal-device ota dev --file bridge.signed.bin   # signed by old AND new key\n"
               "  fwseal-device boot dev && fwseal-device confirm dev\n"
               "  fwseal-device revoke dev --key old_pub.pem\n");
}

static int parse(int argc, char **argv, struct revoke_args *a)
{
    memset(a, 0, sizeof *a);
    a->slot = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--slot") || !strcmp(argv[i], "--key")) {
            if (i + 1 >= argc) return cli_err(EXIT_USAGE, "revoke: %s needs a value", argv[i]);
            if (a->slot >= 0 || a->key) return cli_err(EXIT_USAGE, "revoke: give one --slot or one --key");
            if (!strcmp(argv[i], "--key")) {
                a->key = argv[++i];
                continue;
            }
            uint64_t v;
            if (cli_parse_u64(argv[++i], &v) || v >= FWD_EFUSE_DIGEST_SLOTS)
                return cli_err(EXIT_USAGE, "revoke: --slot: expected 0, 1 or 2, got '%s'", argv[i]);
            a->slot = (long)v;
        } else if (cli_is_option(argv[i])) {
            return cli_err(EXIT_USAGE, "revoke: unknown option '%s' (see --help)", argv[i]);
        } else if (a->dir) {
            return cli_err(EXIT_USAGE, "revoke: unexpected argument '%s'", argv[i]);
        } else {
            a->dir = argv[i];
        }
    }
    if (!a->dir) return cli_err(EXIT_USAGE, "revoke: missing DIR (see --help)");
    if (a->slot < 0 && !a->key) return cli_err(EXIT_USAGE, "revoke: --slot N or --key PUB.pem is required");
    return 0;
}

/* Slot whose provisioned digest is PUB.pem's (revoked or not). */
static int slot_of_key(const struct devdir *dd, const struct fwd_efuse_state *ef, const char *path, long *slot)
{
    uint8_t *pem, d[32];
    size_t n;
    int rc = cli_read_file(path, 64 * 1024, &pem, &n);
    if (rc) return rc;
    rc = fwd_efuse_key_digest_pem(pem, n, d);
    fw_wipe(pem, n);
    free(pem);
    if (rc) return cli_err(EXIT_REJECT, "%s: not a PEM RSA-3072 or ECDSA P-256 key (%s)", path, fw_strerror(rc));
    for (unsigned i = 0; i < FWD_EFUSE_DIGEST_SLOTS; i++)
        if ((ef->digest_present >> i & 1) && fw_ct_equal(d, ef->digest[i], 32)) {
            *slot = (long)i;
            return 0;
        }
    return cli_err(EXIT_REJECT, "%s: %s: this key's digest is in no eFuse slot of the device", dd->dir, path);
}

static int refuse_brick(const struct devdir *dd, const struct fwd_ota_dev *od, long slot, const char *label)
{
    return cli_err(EXIT_REJECT,
                   "%s: refusing to revoke key slot %ld: the running app %s would no longer boot (%s; %u of %u "
                   "required signature(s) by other trusted keys). Install and confirm an image signed by another "
                   "trusted key first.",
                   dd->dir, slot, label, fwd_verify_reason_str(od->last.reason), od->last.verified_keys,
                   od->last.required_keys);
}

static int revoke(struct devdir *dd, struct fwd_ota_dev *od, const struct revoke_args *a)
{
    struct running_saved saved;
    char label[FWD_PART_LABEL_LEN + 1];
    long slot = a->slot;
    snprintf(label, sizeof label, "%s", od->running->label);
    if (a->key) {
        int rc = slot_of_key(dd, &od->efuse, a->key, &slot);
        if (rc) return rc;
    }
    if (!(od->efuse.digest_present >> slot & 1))
        return cli_err(EXIT_REJECT, "%s: key slot %ld holds no secure boot digest", dd->dir, slot);
    if (od->efuse.digest_revoked >> slot & 1) {
        printf("key slot %ld is already revoked: nothing burned\n", slot);
        return 0;
    }
    /* A power cut in the middle leaves nothing running until the next boot. */
    int rc = running_suspend(dd, &saved);
    if (rc) return rc;
    int e = fwd_ota_revoke_key(od, (unsigned)slot);
    if (e == FW_ERR_STATE || e == FW_ERR_REVOKED) {
        if ((rc = running_resume(dd, &saved)) != 0) return rc;        /* nothing changed: the app still runs */
        if (e == FW_ERR_REVOKED) return refuse_brick(dd, od, slot, label);
        return cli_err(EXIT_REJECT, "%s: refusing to revoke key slot %ld: the running app %s is not confirmed "
                       "(VALID) yet: run `fwseal-device confirm %s` first", dd->dir, slot, label, dd->dir);
    }
    if (e) return devdir_fail(dd, "revoke", e);
    if ((rc = running_resume(dd, &saved)) != 0) return rc;
    printf("revoked secure boot key slot %ld (eFuse KEY_REVOKE%ld); the running app %s still verifies (%u of %u "
           "required signature(s))\n", slot, slot, label, od->last.verified_keys, od->last.required_keys);
    return 0;
}

static int run_revoke(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
    struct revoke_args a;
    int rc = parse(argc, argv, &a);
    if (rc) return rc;
    struct devdir *dd;
    struct fwd_ota_dev *od;
    if ((rc = devdir_open(a.dir, 0, &dd)) != 0) return rc;
    if ((rc = running_attach(dd, &od, stdout)) == 0) {
        rc = revoke(dd, od, &a);
        running_detach(od);
    }
    devdir_close(dd);
    return rc;
}

const struct cli_cmd cmd_revoke = {"revoke", "running app revokes a Secure Boot key (eFuse KEY_REVOKE)", run_revoke};
