/* SPDX-License-Identifier: Apache-2.0 */
/* The copy journal of staged updates (fwseal's own format, docs/formats.md
 * "Copy journal"): one 4 KiB flash sector that says which copy is in
 * progress, so a power cut in the middle of copying a verified image from
 * its staging slot to its final place (bootloader, partition table, a data
 * partition) is finished or restarted by the next boot.
 *
 * The sector is a log of 64-byte record slots (bits only cleared, like
 * otadata's sealed records):
 *   slot 0        the header: magic "FWCJ", version 1, the target kind, the
 *                 encryption flags of source and destination, source and
 *                 destination flash offsets, the image length, the span of
 *                 the destination the copy owns (erased whole: a data
 *                 partition loses every old page), SHA-256 of the source's
 *                 first `len` bytes as read (through flash decryption), and
 *                 CRC32-STD over bytes 0..59 at 60;
 *   slots 1..63   progress records: magic "FWCP", LE32 sector index (the
 *                 destination sectors 0..index are copied and read back),
 *                 LE32 CRC32-STD over those 8 bytes seeded with the header's
 *                 CRC (a record binds to its header), then 0xFF to 64 bytes.
 * A slot is empty when all 64 bytes are 0xFF. A torn program leaves a slot
 * that is neither empty nor valid: it is skipped, and the next record goes
 * to the next empty slot. Progress is only an optimisation (the copy from the
 * intact staging copy is idempotent); no valid header = no copy pending.
 *
 * common/ has no crypto: the digest is the caller's (device: mbedTLS). */
#ifndef FW_COPY_JOURNAL_H
#define FW_COPY_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#define FW_CJ_SECTOR      4096u
#define FW_CJ_SLOT        64u
#define FW_CJ_SLOTS       (FW_CJ_SECTOR / FW_CJ_SLOT)
#define FW_CJ_MAGIC       0x4A435746u   /* "FWCJ" little-endian */
#define FW_CJ_PMAGIC      0x50435746u   /* "FWCP" */
#define FW_CJ_VERSION     1u
#define FW_CJ_DIGEST_LEN  32u

/* What is being copied (header byte 5). */
enum fw_cj_kind {
    FW_CJ_BOOTLOADER = 1,        /* the second-stage bootloader at the chip's offset */
    FW_CJ_PARTITION_TABLE = 2,   /* the table sector */
    FW_CJ_DATA = 3,              /* a data partition (signed data image) */
};

#define FW_CJ_SRC_ENCRYPTED 0x1u   /* read the source through flash decryption */
#define FW_CJ_DST_ENCRYPTED 0x2u   /* write the destination through flash encryption */

struct fw_cj_header {
    uint8_t  kind;               /* enum fw_cj_kind */
    uint8_t  flags;              /* FW_CJ_*_ENCRYPTED */
    uint32_t src;                /* absolute flash offset of the staging copy */
    uint32_t dst;                /* absolute flash offset of the final place */
    uint32_t len;                /* image bytes */
    uint32_t span;               /* destination bytes the copy erases (>= len, sector multiple) */
    uint8_t  digest[FW_CJ_DIGEST_LEN]; /* SHA-256 of the source [0, len) as read */
};

/* Encode a header slot (64 bytes, CRC included). FW_ERR_RANGE for an unknown
 * kind, len 0, span not a sector multiple or below len, or a range that
 * wraps 32 bits. */
int fw_cj_header_encode(const struct fw_cj_header *h, uint8_t slot[FW_CJ_SLOT]);
/* Decode + check (magic, version, CRC, the encode rules). FW_ERR_MAGIC,
 * FW_ERR_CRC, FW_ERR_FORMAT / FW_ERR_RANGE. *crc gets the header CRC. */
int fw_cj_header_decode(const uint8_t slot[FW_CJ_SLOT], struct fw_cj_header *h, uint32_t *crc);
/* Progress record for destination sector `index` bound to a header CRC. */
void fw_cj_progress_encode(uint32_t header_crc, uint32_t index, uint8_t slot[FW_CJ_SLOT]);
/* FW_OK and *index, or FW_ERR_MAGIC / FW_ERR_CRC. */
int fw_cj_progress_decode(const uint8_t slot[FW_CJ_SLOT], uint32_t header_crc, uint32_t *index);
/* 1 if the slot is erased (all 0xFF). */
int fw_cj_slot_empty(const uint8_t slot[FW_CJ_SLOT]);

/* The state of a journal sector as read. */
struct fw_cj_state {
    int pending;                 /* a valid header: a copy is in progress */
    struct fw_cj_header h;
    uint32_t header_crc;
    uint32_t done;               /* destination sectors recorded as copied (0..) */
    unsigned next_slot;          /* slot after the last programmed one (FW_CJ_SLOTS: full) */
    unsigned bad_slots;          /* torn / unknown slots skipped */
};
/* Parse a whole sector. Never fails: an invalid header is "nothing pending"
 * (what a torn first program or a torn final erase leaves). Progress records
 * count only in order (0, 1, 2...); one out of order ends the count there. */
void fw_cj_parse(const uint8_t sector[FW_CJ_SECTOR], struct fw_cj_state *st);

const char *fw_cj_kind_name(unsigned kind);

#endif
