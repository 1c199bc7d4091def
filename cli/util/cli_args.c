/* SPDX-License-Identifier: Apache-2.0 */
/* GNU argument forms and espsecure/esptool "did you mean" hints (cli_args.h). */
#include "cli/util/cli_args.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/util/cli.h"

/* Operands that followed "--": cli_is_option() compares pointers, so an
 * operand spelled like an option is still an operand. */
static const char **operands;
static size_t n_operands;

int cli_is_option(const char *arg)
{
    if (arg[0] != '-' || arg[1] == '\0') return 0;
    for (size_t i = 0; i < n_operands; i++)
        if (operands[i] == arg) return 0;
    return 1;
}

int cli_opt(const char *arg, const char *name)
{
    return cli_is_option(arg) && !strcmp(arg, name);
}

/* "--name=value": the name is letters, digits and dashes. */
static const char *long_value(const char *a)
{
    if (a[0] != '-' || a[1] != '-' || !a[2]) return NULL;
    const char *eq = strchr(a, '=');
    if (!eq || eq == a + 2) return NULL;
    for (const char *p = a + 2; p < eq; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return NULL;
    return eq;
}

int cli_gnu_args(int *argc, char ***argv)
{
    int n = *argc;
    char **in = *argv;
    /* each argument becomes at most two */
    char **out = calloc((size_t)n * 2 + 1, sizeof *out);
    operands = calloc((size_t)n + 1, sizeof *operands);
    if (!out || !operands) return cli_err(EXIT_IO, "out of memory");
    int k = 0, ended = 0;
    out[k++] = in[0];
    for (int i = 1; i < n; i++) {
        const char *a = in[i], *eq;
        if (ended) {
            out[k++] = in[i];
            operands[n_operands++] = in[i];
        } else if (!strcmp(a, "--")) {
            ended = 1;
        } else if ((eq = long_value(a)) != NULL) {
            out[k] = strndup(a, (size_t)(eq - a));
            if (!out[k]) return cli_err(EXIT_IO, "out of memory");
            k++;
            out[k++] = (char *)(eq + 1);
        } else if (a[0] == '-' && a[1] == 'o' && a[2]) {
            out[k++] = "-o";
            out[k++] = in[i] + 2;
        } else {
            out[k++] = in[i];
        }
    }
    out[k] = NULL;
    *argc = k;
    *argv = out;
    return 0;
}

/* ---- hints ----------------------------------------------------------------- */

struct habit {
    const char *word;   /* as espsecure / esptool / espefuse spell it */
    const char *hint;
};

static const struct habit fwseal_habits[] = {
    {"sign_data", "fwseal sign --key KEY.pem IN -o OUT (always Secure Boot V2; --append adds a key)"},
    {"verify_signature", "fwseal verify IN --trust PUB.pem (add --json for a report)"},
    {"encrypt_flash_data", "fwseal flash-encrypt --key KEY.bin --address ADDR IN -o OUT"},
    {"decrypt_flash_data", "fwseal flash-decrypt --key KEY.bin --address ADDR IN -o OUT"},
    {"digest_sbv2_public_key", "fwseal digest KEY.pem [-o DIGEST.bin]"},
    {"generate_signing_key", "fwseal keygen rsa3072|ecdsa-p256 -o KEY.pem [--pub PUB.pem]"},
    {"generate_flash_encryption_key", "fwseal keygen flash-xts-128|flash-xts-256 -o KEY.bin"},
    {"extract_public_key", "fwseal pubkey KEY.pem -o PUB.pem"},
    {"signature_info_v2", "fwseal info IMAGE (lists every signature block)"},
    {"image_info", "fwseal info IMAGE"},
    {"generate_key", "fwseal keygen nvs-keys -o NVSKEYS.bin"},
    {"burn_key", "a real chip: README \"Provision a real ESP32\"; the simulator: fwseal-device init --flash-key"},
    {"burn_key_digest", "a real chip: README \"Provision a real ESP32\"; the simulator: fwseal-device init --secure-boot-key"},
    {"--keyfile", "--key KEY (fwseal sign --key KEY.pem IN -o OUT)"},
    {"--output", "-o OUT"},
    {"--version", "drop it: fwseal sign always writes Secure Boot V2 signature blocks"},
    {"--append_signatures", "--append"},
    {"-a", "--append"},
    {"--aes_xts", "drop it: flash-encrypt uses XTS-AES (--scheme xts, the default); the key size picks 128 or 256"},
    {"--keylen", "the key type picks the length: fwseal keygen flash-xts-128|flash-xts-256 -o KEY.bin"},
    {"--scheme", "the key type is an operand: fwseal keygen rsa3072|ecdsa-p256 -o KEY.pem"},
    {"--pub-key", "--pubkey PUB.pem (encrypt) or --trust PUB.pem (verify)"},
    {"--public-key", "--pubkey PUB.pem (encrypt) or --trust PUB.pem (verify)"},
    {NULL, NULL}
};

static const struct habit device_habits[] = {
    {"write_flash", "fwseal-device flash DIR --partition LABEL IMAGE"},
    {"read_flash", "fwseal-device read DIR --partition LABEL -o OUT"},
    {"burn_key", "fwseal-device init DIR --flash-key KEY.bin (simulator)"},
    {"burn_key_digest", "fwseal-device init DIR --secure-boot-key PUB.pem (simulator)"},
    {"summary", "fwseal-device status DIR"},
    {"--output", "-o OUT"},
    {NULL, NULL}
};

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40) return 99;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const struct habit *habits_of(const char *prog)
{
    return strcmp(prog, "fwseal-device") ? fwseal_habits : device_habits;
}

const char *cli_command_hint(const char *word, const char *const *names, char *buf, size_t len)
{
    for (const struct habit *h = habits_of(cli_prog); h->word; h++)
        if (h->word[0] != '-' && !strcmp(h->word, word)) return h->hint;
    const char *best = NULL;
    size_t bd = 3;
    for (size_t i = 0; names[i]; i++) {
        size_t d = edit_distance(word, names[i]);
        if (d < bd) { bd = d; best = names[i]; }
    }
    if (!best) return NULL;
    snprintf(buf, len, "%s %s", cli_prog, best);
    return buf;
}

/* The option part of an argument ("--keyfile=k.pem" -> "--keyfile"). */
static void option_name(const char *a, char *buf, size_t len)
{
    size_t n = strcspn(a, "=");
    if (n >= len) n = len - 1;
    memcpy(buf, a, n);
    buf[n] = 0;
}

/* The command's own --help text (its options), captured from stdout. */
static char *help_text(int (*run)(int, char **), const char *cmd)
{
    if (!run) return NULL;
    fflush(stdout);
    FILE *t = tmpfile();
    int saved = dup(STDOUT_FILENO);
    if (!t || saved < 0 || dup2(fileno(t), STDOUT_FILENO) < 0) {
        if (t) fclose(t);
        if (saved >= 0) close(saved);
        return NULL;
    }
    char *av[] = {(char *)cmd, "--help", NULL};
    run(2, av);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    char *text = calloc(1, 16384);
    if (text && fseek(t, 0, SEEK_SET) == 0) text[fread(text, 1, 16383, t)] = 0;
    fclose(t);
    return text;
}

/* The option of the help text nearest to name (edit distance <= 2), or NULL. */
static const char *nearest_option(const char *help, const char *name, char *buf, size_t len)
{
    size_t best = 3;
    int found = 0;
    for (const char *p = help; p && (p = strstr(p, "--")) != NULL;) {
        size_t n = 2;
        while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '-') n++;
        char opt[64];
        if (n > 2 && n < sizeof opt) {
            memcpy(opt, p, n);
            opt[n] = 0;
            size_t d = edit_distance(name, opt);
            if (d < best && d > 0) {
                best = d;
                snprintf(buf, len, "%s", opt);
                found = 1;
            }
        }
        p += n;
    }
    return found ? buf : NULL;
}

int cli_suggest(const char *prog, int argc, char **argv, int (*run)(int, char **))
{
    const char *err = cli_last_error();
    int hints = 0;
    char *help = NULL;
    for (int i = 1; i < argc && err; i++) {
        char name[64], quoted[80];
        option_name(argv[i], name, sizeof name);
        snprintf(quoted, sizeof quoted, "'%s'", name);
        if (!strstr(err, quoted)) continue;
        const char *hint = NULL;
        for (const struct habit *h = habits_of(prog); h->word && !hint; h++)
            if (!strcmp(h->word, name)) hint = h->hint;
        char dashed[64];
        if (!hint && name[0] == '-' && strchr(name, '_')) {
            snprintf(dashed, sizeof dashed, "%s", name);
            for (char *p = dashed; *p; p++)
                if (*p == '_') *p = '-';
            hint = dashed;
        }
        char near[64];
        if (!hint && name[0] == '-' && argc > 1) {
            if (!help) help = help_text(run, argv[1]);
            hint = nearest_option(help, name, near, sizeof near);
        }
        if (!hint) continue;
        fprintf(stderr, "%s: did you mean: %s\n", prog, hint);
        hints++;
    }
    free(help);
    return hints;
}
