#!/usr/bin/env bash
# LibreOffice headless (PDF previews of documents) and poppler (tests read the PDFs),
# from Debian's packages, installed only when missing. Liberation fonts stand in for
# Times New Roman with the same metrics, so page breaks match Word's: version 2
# (fonts-liberation2), since version 1 lacks Vietnamese letters such as "Ệ" and "ở" and
# LibreOffice then borrows wider ones from DejaVu, which breaks the header's lines.
set -euo pipefail
if command -v soffice >/dev/null && command -v pdftotext >/dev/null && fc-list | grep -qi "liberation2.*Liberation Serif"; then
    exit 0
fi
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
echo "preview tools: installing LibreOffice Writer (headless), poppler-utils and Liberation fonts..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    libreoffice-writer-nogui poppler-utils fonts-liberation2 >/dev/null
