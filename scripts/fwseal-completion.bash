# SPDX-License-Identifier: Apache-2.0
# bash completion for fwseal and fwseal-device (installed by `make install`
# as share/bash-completion/completions/fwseal and .../fwseal-device).
# Commands and options are read from the programs' own --help texts, so the
# completion follows the installed binaries; files complete everywhere else.

_fwseal_words() { # _fwseal_words PROG [CMD]: commands, or the options of CMD
  if [ -z "${2:-}" ]; then
    "$1" --help 2>/dev/null | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'
  else
    "$1" "$2" --help 2>/dev/null | grep -o -- '--[a-z][a-z0-9-]*' | sort -u
    echo -o
  fi
}

_fwseal() {
  local prog=$1 cur=${COMP_WORDS[COMP_CWORD]} cmd="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac
  done
  if [ -z "$cmd" ]; then
    COMPREPLY=($(compgen -W "$(_fwseal_words "$prog") --help --version" -- "$cur"))
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_fwseal_words "$prog" "$cmd") --help" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _fwseal fwseal fwseal-device
