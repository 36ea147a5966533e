#!/usr/bin/env bash
# stdin to its end, with --no-mux (see stdin_eof_lib.sh).
MODE=no-mux
. "$(dirname "$0")/stdin_eof_lib.sh"
