#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Signing fixtures for tests/unit/test_pdfsig.c and
# tests/integration/test_sign.c (docs/signing.md): a certificate authority
# and a signer of our own, made at test time, never checked in.
#
#   sign_fixture.sh setup DIR          makes, in DIR:
#       trust.pem      the test root (what JAWNOSC_SIGNATURE_TRUST names)
#       nss/           an NSS database holding the signers' keys:
#                        "signer"  Jan Kowalski, issued by the test root
#                        "rogue"   Jan Podrobiony, issued by a root not in trust.pem
#                        "expired" Jan Kowalski, issued by the test root, valid
#                                  only in 2001 (openssl ca -startdate/-enddate)
#   sign_fixture.sh sign DIR NICK IN OUT
#       appends a PAdES signature (adbe.pkcs7.detached, SHA-256) by NICK to IN
#       as an incremental update, into OUT (poppler-utils' pdfsig -add-signature)
#
# Needs openssl, certutil and pk12util (libnss3-tools) and pdfsig
# (poppler-utils 22.12 or later).
set -euo pipefail

ca() { # NAME: a self-signed root in $d/NAME.{key,pem}
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/$1.key" -out "$d/$1.pem" -days 3650 \
    -subj "/CN=$2/O=Jawnosc Test/C=PL" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
}

leaf() { # NICK CA CN [STARTDATE ENDDATE]: a signer's certificate and key, into the NSS db
  local nick=$1 ca=$2 cn=$3
  openssl req -newkey rsa:2048 -nodes -keyout "$d/$nick.key" -out "$d/$nick.csr" \
    -subj "/CN=$cn/O=Urząd Testowy/C=PL" -utf8 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' >"$d/ext.cnf"
  if [ $# -ge 5 ]; then
    # openssl x509 -req cannot set the start date: a minimal `openssl ca`.
    mkdir -p "$d/ca-$nick" && : >"$d/ca-$nick/index.txt" && echo 1000 >"$d/ca-$nick/serial"
    cat >"$d/ca-$nick/ca.cnf" <<CNF
[ca]
default_ca = c
[c]
dir = $d/ca-$nick
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir
default_md = sha256
policy = p
email_in_dn = no
unique_subject = no
copy_extensions = none
[p]
commonName = supplied
organizationName = optional
countryName = optional
CNF
    openssl ca -batch -config "$d/ca-$nick/ca.cnf" -cert "$d/$ca.pem" -keyfile "$d/$ca.key" \
      -in "$d/$nick.csr" -out "$d/$nick.pem" -startdate "$4" -enddate "$5" \
      -extfile "$d/ext.cnf" -utf8 -notext 2>/dev/null
  else
    openssl x509 -req -in "$d/$nick.csr" -CA "$d/$ca.pem" -CAkey "$d/$ca.key" -CAcreateserial \
      -out "$d/$nick.pem" -days 3650 -extfile "$d/ext.cnf" 2>/dev/null
  fi
  openssl pkcs12 -export -inkey "$d/$nick.key" -in "$d/$nick.pem" -certfile "$d/$ca.pem" \
    -name "$nick" -out "$d/$nick.p12" -passout pass: 2>/dev/null
  pk12util -i "$d/$nick.p12" -d "sql:$d/nss" -W "" >/dev/null
}

case "${1:-}" in
setup)
  d=$2
  mkdir -p "$d/nss"
  certutil -N -d "sql:$d/nss" --empty-password
  ca root "Jawnosc Test Root CA"
  ca rogue-root "Nieznane Centrum Certyfikacji"
  # pdfsig signs only with certificates NSS can build a chain for.
  certutil -A -d "sql:$d/nss" -n root -t "CT,C,C" -i "$d/root.pem"
  certutil -A -d "sql:$d/nss" -n rogue-root -t "CT,C,C" -i "$d/rogue-root.pem"
  leaf signer root "Jan Kowalski"
  leaf rogue rogue-root "Jan Podrobiony"
  leaf expired root "Jan Przeterminowany" 20010101000000Z 20011231000000Z
  cp "$d/root.pem" "$d/trust.pem"
  ;;
sign)
  d=$2
  pdfsig -nssdir "sql:$d/nss" -nick "$3" -add-signature "$4" "$5" >/dev/null 2>&1
  [ -s "$5" ]
  ;;
*)
  echo "usage: $0 setup DIR | sign DIR NICK IN OUT" >&2
  exit 2
  ;;
esac
