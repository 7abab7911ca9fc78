# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for folio-indexer, Folio's indexer                  -*- shell-script -*-

_folio_indexer() {
    local cur prev words cword
    _init_completion || return

    case $prev in
        --db)
            _filedir -d
            return
            ;;
        --language)
            COMPREPLY=($(compgen -W "$("${words[0]}" --list-languages 2>/dev/null)" -- "$cur"))
            return
            ;;
        --synonyms)
            _filedir
            return
            ;;
        -j | --jobs | --memory | --max-file-size | --shards)
            return
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '--db --language --rebuild -n --dry-run --compact
            -j --jobs --shards --memory --synonyms --delete --exclude --no-ignore --wait-lock --max-file-size --no-spelling
            -q --quiet -v --verbose --json --list-languages --no-config --version -h --help' -- "$cur"))
        return
    fi
    _filedir
} &&
    complete -F _folio_indexer folio-indexer
