#!/usr/bin/env bash
# stdin to its end, through the master (see stdin_eof_lib.sh).
MODE=mux
. "$(dirname "$0")/stdin_eof_lib.sh"
