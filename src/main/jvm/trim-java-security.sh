#!/bin/sh
# trim-java-security.sh RUNTIME
#
# Rewrites RUNTIME/conf/security/java.security so that the JVM reads less and looks up nothing in vain, with the
# same security properties:
# - Only the JCA providers whose module RUNTIME has are listed (renumbered, as the JDK stops reading the list at
#   the first gap). jlink keeps the JDK's list of twelve, but a runtime with only java.base, java.logging and
#   java.xml has the first five; the JDK tries to load each of the other seven (a service lookup that reads every
#   jar on the class path) the first time anything asks for the full list, as OkHttp's platform detection does,
#   and then drops them. The providers that work, and their order, do not change.
# - Comment and blank lines go: the file is 72 KB of which ~6 KB are properties, and the JVM parses all of it
#   (java.util.Properties, interpreted at that point) on the trust store's thread, before TLS can start.
# Then the runtime's own view of its security properties (java -XshowSettings:security:properties) is compared
# with the one before, all but the provider list: any other difference fails the build.
# Run by the Dockerfile and by bench/bench.sh right after jlink.
set -eu
runtime=$1
conf="$runtime/conf/security/java.security"
settings() { "$runtime/bin/java" -XshowSettings:security:properties -version 2>&1 | grep -v 'security\.provider\.'; }
before=$(settings)
modules=$("$runtime/bin/java" --list-modules | sed 's/@.*//')
awk -v modules="$modules" '
BEGIN {
  n = split(modules, list, "\n")
  for (i = 1; i <= n; i++) present[list[i]] = 1
  # the JDK 25 providers and the module each lives in
  module["SUN"] = "java.base"; module["SunRsaSign"] = "java.base"; module["SunEC"] = "java.base"
  module["SunJSSE"] = "java.base"; module["SunJCE"] = "java.base"
  module["SunJGSS"] = "java.security.jgss"; module["SunSASL"] = "java.security.sasl"
  module["XMLDSig"] = "java.xml.crypto"; module["SunPCSC"] = "java.smartcardio"; module["JdkLDAP"] = "java.naming"
  module["JdkSASL"] = "jdk.security.jgss"; module["SunPKCS11"] = "jdk.crypto.cryptoki"
  kept = 0
  continued = 0
}
# a line that goes on after a line ending in an odd number of backslashes is part of a value, whatever it holds
continued { print; continued = ($0 ~ /(^|[^\\])(\\\\)*\\$/); next }
/^[ \t\f]*([#!]|$)/ { next }
/^security\.provider\.[0-9]+=/ {
  entry = substr($0, index($0, "=") + 1)
  name = entry; sub(/[ \t].*/, "", name)
  # a provider this table does not know is kept: only the known-absent are dropped
  if ((name in module) && !(module[name] in present)) { print "dropped provider " name " (no module " module[name] ")" > "/dev/stderr"; next }
  print "security.provider." ++kept "=" entry
  next
}
{ print; continued = ($0 ~ /(^|[^\\])(\\\\)*\\$/) }
' "$conf" > "$conf.trimmed"
mv "$conf.trimmed" "$conf"
after=$(settings)
if [ "$before" != "$after" ]; then
  echo "trim-java-security.sh: the security properties changed:" >&2
  printf '%s\n' "$before" > "$conf.before"; printf '%s\n' "$after" > "$conf.after"
  diff "$conf.before" "$conf.after" >&2 || true
  rm -f "$conf.before" "$conf.after"
  exit 1
fi
grep '^security\.provider\.' "$conf"
echo "java.security: $(wc -c < "$conf") bytes, the same security properties"
