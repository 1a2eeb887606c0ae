#!/bin/sh
# A stand-in tool for check-help-options.sh's self-test: prints a help text
# in the style of v6scan and v6run.
cat <<'HELP'
usage: fake-tool [options] FILE...

  -a, --alpha N        an option with a short and a long name
  --beta=LIST          a long option with an attached argument
  -c FILE              a short option only
                       (a continuation line mentioning --not-an-option)
HELP
