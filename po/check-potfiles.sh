#!/bin/sh
# Checks po/POTFILES.in against the sources: every file with translatable strings
# is listed, every listed file exists, and the list is sorted.
#
# Usage: check-potfiles.sh SOURCE_ROOT
# Prints one line per problem and exits 1 if there is any.

set -u

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 SOURCE_ROOT" >&2
  exit 2
fi

cd "$1" || exit 2

potfiles=po/POTFILES.in
if [ ! -f "$potfiles" ]; then
  echo "$potfiles: missing"
  exit 1
fi

# Byte order, so the result does not depend on the locale of whoever runs it.
LC_ALL=C
export LC_ALL

listed=$(mktemp) || exit 2
candidates=$(mktemp) || exit 2
trap 'rm -f "$listed" "$candidates"' EXIT

# Entries without comments, blank lines, carriage returns or surrounding blanks.
sed -e 's/\r$//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$potfiles" \
  | grep -v -e '^#' -e '^$' > "$listed"

status=0

# (c) Sorted, and each entry once.
awk -v potfiles="$potfiles" '
  NR > 1 && $0 == prev { printf "%s: %s is listed twice\n", potfiles, $0; bad = 1 }
  NR > 1 && $0 < prev  { printf "%s: %s is listed after %s; keep the list sorted\n", potfiles, $0, prev; bad = 1 }
  { prev = $0 }
  END { exit bad }
' "$listed" || status=1

# (b) Every listed file exists.
while IFS= read -r file; do
  if [ ! -f "$file" ]; then
    echo "$potfiles: $file is listed but does not exist"
    status=1
  fi
done < "$listed"

is_listed () {
  grep -Fqx -e "$1" "$listed"
}

# In these files everything a person reads is translatable, whatever the markup.
always_translatable () {
  case "$1" in
    *.desktop.in | *.metainfo.xml.in | *.appdata.xml.in | *.gschema.xml) return 0 ;;
    *) return 1 ;;
  esac
}

has_marked_strings () {
  case "$1" in
    *.c)
      grep -Eq -e '(^|[^A-Za-z0-9_])(N|C|NC)?_[[:space:]]*\(' \
               -e 'g_d(n|p|pn)?gettext2?[[:space:]]*\(' "$1"
      ;;
    *)
      grep -Eq -e 'translatable="(yes|true|1)"' -e '<_[A-Za-z]' "$1"
      ;;
  esac
}

# (a) Every file with translatable strings is listed.
{
  if [ -d src ]; then
    find src -type f \( -name '*.c' -o -name '*.ui' \)
  fi
  if [ -d data ]; then
    find data -type f \( -name '*.in' -o -name '*.xml' \)
  fi
} | sort > "$candidates"

while IFS= read -r file; do
  if always_translatable "$file" || has_marked_strings "$file"; then
    if ! is_listed "$file"; then
      echo "$potfiles: $file has translatable strings but is not listed"
      status=1
    fi
  fi
done < "$candidates"

exit $status
