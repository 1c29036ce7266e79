"""Signed things the laptop checks without a network: releases (what was built and who
signed it, k of n release keys) and site profiles (how a laptop is configured, signed by a
deployment key). Signatures use minisign's format so installers can check them with
Debian's `minisign` as well as with `enlace verify-release`. No Qt here."""
