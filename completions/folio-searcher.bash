# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for folio-searcher, Folio's searcher                -*- shell-script -*-

_folio_searcher() {
    local cur prev words cword
    _init_completion || return

    case $prev in
        --db)
            _filedir -d
            return
            ;;
        --default-op)
            COMPREPLY=($(compgen -W 'and or' -- "$cur"))
            return
            ;;
        --sort)
            COMPREPLY=($(compgen -W 'relevance date -date' -- "$cur"))
            return
            ;;
        --color | --colour)
            COMPREPLY=($(compgen -W 'auto always never' -- "$cur"))
            return
            ;;
        --facet)
            COMPREPLY=($(compgen -W 'author tag source year lang' -- "$cur"))
            return
            ;;
        --collapse)
            COMPREPLY=($(compgen -W 'title source author tag lang date' -- "$cur"))
            return
            ;;
        --like-file)
            _filedir
            return
            ;;
        -f | --filter | -m | --limit | --offset | --passages | --passage-length | --highlight | \
            --k1 | --b | --expand | --feedback-threshold | --proximity | --proximity-weight | \
            --like | --like-terms | \
            --boost-recent | --reference-date | --time-limit | --wildcard-limit | --remote-timeout)
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--db --default-op -f --filter --sort -m --limit --offset
            --passages --passage-length --color --colour --highlight --json --jsonl
            -l --files -0 --null -c --count -q --quiet --batch --k1 --b --expand --feedback-threshold
            --proximity --proximity-weight --facet --correct --expand-synonyms --like --like-file
            --like-terms --explain --collapse --boost-recent --reference-date --stats --show
            --time-limit --wildcard-limit --allow-partial --remote-timeout --no-config --version -h --help' -- "$cur"))
    fi
} &&
    complete -F _folio_searcher folio-searcher
