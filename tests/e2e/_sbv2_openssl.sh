# SPDX-License-Identifier: Apache-2.0
# Independent check of a Secure Boot V2 block against a PUBLIC key (for keys
# whose private half is not in a file: PKCS#11 tokens, signing services).
# The checker is sbv2_check.py (shared with sign_openssl.sh): CRC32, zero
# padding, image_digest, DER SPKI compared with PUB.pem, `openssl pkeyutl -verify`.
#   sbv2_openssl_check FILE SLOT PUB.pem   -> exit 0 (verified) or 1, reason on stdout
sbv2_openssl_check() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/sbv2_check.py" "$T" "$1" "$2" "$3"
}
