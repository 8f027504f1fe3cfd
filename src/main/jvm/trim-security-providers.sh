#!/bin/sh
# trim-security-providers.sh RUNTIME
#
# Lists in RUNTIME/conf/security/java.security only the JCA providers whose module RUNTIME has (renumbered, as
# the JDK stops reading the list at the first gap). jlink keeps the JDK's list of twelve, but a runtime with only
# java.base, java.logging and java.xml has the first five; the JDK tries to load each of the other seven (a
# service lookup that reads every jar on the class path) the first time anything asks for the full list, as
# OkHttp's platform detection does, and then drops them. The providers that work, and their order, do not change.
# Run by the Dockerfile and by bench/bench.sh right after jlink.
set -eu
runtime=$1
conf="$runtime/conf/security/java.security"
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
}
/^security\.provider\.[0-9]+=/ {
  entry = substr($0, index($0, "=") + 1)
  name = entry; sub(/[ \t].*/, "", name)
  # a provider this table does not know is kept: only the known-absent are dropped
  if ((name in module) && !(module[name] in present)) { print "dropped provider " name " (no module " module[name] ")" > "/dev/stderr"; next }
  print "security.provider." ++kept "=" entry
  next
}
{ print }
' "$conf" > "$conf.trimmed"
mv "$conf.trimmed" "$conf"
grep '^security\.provider\.' "$conf"
