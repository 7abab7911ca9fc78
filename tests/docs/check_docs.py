#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Keeps the manuals and the shell completions in step with the programs' --help.

  check_docs.py man PROGRAM PAGE
      Every option --help lists is described in PAGE's OPTIONS section, and every option that
      section describes is in --help; its .TH line names the version --version prints; the page
      renders without a groff warning.
  check_docs.py completions PROGRAM BASH ZSH FISH
      Each file loads in its shell (syntax check), names every option --help lists and no
      option --help lacks; bash and fish, asked to complete "PROGRAM -", offer exactly the
      options of --help, and complete the values of a few options.

Exit status 0 when all is in step, 1 with one line per difference otherwise.
"""
import os
import re
import shutil
import subprocess
import sys

OPTION = re.compile(r"(?<![\w-])(--[A-Za-z0-9][\w-]*|-[A-Za-z0-9])(?![\w-])")


def help_options(program):
    """The options PROGRAM --help lists: the first column of each option line."""
    out = subprocess.run([program, "--help"], capture_output=True, text=True, check=True).stdout
    options = set()
    for line in out.splitlines():
        stripped = line.strip()
        # An option's line starts 2 columns in; its description's wrapped lines much further.
        if not stripped.startswith("-") or len(line) - len(line.lstrip()) > 4:
            continue
        first_column = re.split(r"\s{2,}", stripped)[0]
        for name in first_column.split(","):
            match = OPTION.match(name.strip())
            if match:
                options.add(match.group(1))
    if "--help" not in options:
        raise SystemExit(f"{program} --help lists no --help: cannot read its options")
    return options


def unroff(text):
    """The text of a roff line: font escapes gone, \\- as -, quotes dropped."""
    text = re.sub(r"\\f[BIRP]|\\f\(..|\\&", "", text)
    return text.replace("\\-", "-").replace('"', " ")


def man_options(page):
    """Options described in the OPTIONS section: those in each .TP entry's tag line."""
    options = {}
    section = None
    lines = open(page, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(".SH"):
            section = line[3:].strip().strip('"')
            continue
        if section == "OPTIONS" and line.startswith(".TP") and i + 1 < len(lines):
            tag = unroff(re.sub(r"^\.\w+\s*", "", lines[i + 1]))
            for match in OPTION.finditer(tag):
                name = match.group(1)
                # Only the option names, not values such as -date: a single dash takes one letter.
                options.setdefault(name, i + 2)
    return options


def check_man(program, page):
    name = os.path.basename(program)
    problems = []
    in_help = help_options(program)
    in_page = man_options(page)
    if not in_page:
        problems.append(f"{page}: no options found in its OPTIONS section")
    for option in sorted(in_help - set(in_page)):
        problems.append(f"{page}: option {option} is in `{name} --help` but missing from the "
                        f"man page's OPTIONS section (add a .TP entry for it)")
    for option in sorted(set(in_page) - in_help):
        problems.append(f"{page}:{in_page[option]}: option {option} is in the man page but "
                        f"`{name} --help` lacks it")
    version = subprocess.run([program, "--version"], capture_output=True, text=True).stdout
    version = version.split("\n")[0].split()[-1] if version else "?"
    th = next((line for line in open(page, encoding="utf-8") if line.startswith(".TH ")), "")
    if f'"Folio {version}"' not in th:
        problems.append(f"{page}: its .TH line does not name Folio {version} "
                        f"(`{name} --version`): {th.strip()}")
    groff = shutil.which("groff")
    if groff is None:
        problems.append("groff is not installed (Debian: groff-base): cannot check rendering")
    else:
        result = subprocess.run([groff, "-ww", "-man", "-Tutf8", "-z", page],
                                capture_output=True, text=True)
        for warning in result.stderr.splitlines():
            problems.append(f"groff: {warning}")
    return problems


def in_file(path, pattern):
    return re.search(pattern, open(path, encoding="utf-8").read(), re.M) is not None


def file_long_options(path):
    return {m.group(1) for m in re.finditer(r"(?<![\w-])(--[A-Za-z0-9][\w-]*)", open(path).read())}


def fish_options(path):
    found = set()
    for line in open(path, encoding="utf-8"):
        if not line.startswith("complete "):
            continue
        found |= {"--" + m for m in re.findall(r"\s-l\s+([\w-]+)", line)}
        found |= {"-" + m for m in re.findall(r"\s-s\s+(\w)", line)}
    return found


def bash_complete(program, bash_file, line):
    """What bash completion offers for the command line `line` (last word being completed)."""
    script = r'''
source /usr/share/bash-completion/bash_completion
source "$1"
COMP_LINE=$2
read -ra COMP_WORDS <<<"$COMP_LINE"
[[ $COMP_LINE == *" " ]] && COMP_WORDS+=("")
COMP_WORDS[0]=$3
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_POINT=${#COMP_LINE}
func=$(complete -p "$4" | sed -E 's/.*-F ([^ ]+) .*/\1/')
"$func" "$4" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
'''
    name = os.path.basename(program)
    # The command line as typed with the program's path, as COMP_WORDS[0] is: bash-completion
    # finds each word in COMP_LINE in turn, and a '-' word would match inside "folio-...".
    line = program + line[len(name):] if line.startswith(name) else line
    out = subprocess.run(["bash", "-c", script, "bash", bash_file, line, program, name],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def fish_complete(program, fish_file, line):
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(program)) + ":" + os.environ["PATH"])
    out = subprocess.run(["fish", "--no-config", "-c", f"source {fish_file}; complete -C '{line}'"],
                         capture_output=True, text=True, check=True, env=env).stdout
    return {entry.split("\t")[0] for entry in out.splitlines() if entry}


# Values a completion must offer: PROGRAM -> (option, values).
VALUES = {
    "folio-indexer": [("--language", {"english", "french", "none"})],
    "folio-searcher": [("--sort", {"relevance", "date", "-date"}), ("--default-op", {"and", "or"}),
                 ("--color", {"auto", "always", "never"}),
                 ("--collapse", {"title", "source", "author", "tag", "lang", "date"})],
}


def check_completions(program, bash_file, zsh_file, fish_file):
    name = os.path.basename(program)
    problems = []
    options = help_options(program)
    for shell, path in (("bash", bash_file), ("zsh", zsh_file), ("fish", fish_file)):
        if shutil.which(shell) is None:
            problems.append(f"{shell} is not installed: cannot check {path}")
            continue
        result = subprocess.run([shell, "-n", path], capture_output=True, text=True)
        if result.returncode != 0:
            problems.append(f"{path}: `{shell} -n` fails: {result.stderr.strip()}")
    for path in (bash_file, zsh_file):
        for option in sorted(options):
            if not in_file(path, r"(?<![\w-])" + re.escape(option) + r"(?![\w-])"):
                problems.append(f"{path}: option {option} of `{name} --help` is not completed")
        for option in sorted(file_long_options(path) - options):
            problems.append(f"{path}: completes option {option}, which `{name} --help` lacks")
    fish = fish_options(fish_file)
    for option in sorted(options - fish):
        problems.append(f"{fish_file}: option {option} of `{name} --help` is not completed")
    for option in sorted(fish - options):
        problems.append(f"{fish_file}: completes option {option}, which `{name} --help` lacks")

    # What the shells really offer.
    if os.path.exists("/usr/share/bash-completion/bash_completion"):
        offered = bash_complete(program, bash_file, f"{name} -")
        for option in sorted(options - offered):
            problems.append(f"{bash_file}: bash does not offer {option} for `{name} -`")
        for option, values in VALUES[name]:
            got = bash_complete(program, bash_file, f"{name} {option} ")
            if not values <= got:
                problems.append(f"{bash_file}: bash offers {sorted(got)} after {option}, "
                                f"missing {sorted(values - got)}")
    else:
        problems.append("bash-completion is not installed: cannot run the bash completion")
    if shutil.which("fish"):
        offered = fish_complete(program, fish_file, f"{name} -")
        for option in sorted(options - offered):
            problems.append(f"{fish_file}: fish does not offer {option} for `{name} -`")
        for option, values in VALUES[name]:
            got = fish_complete(program, fish_file, f"{name} {option} ")
            if not values <= got:
                problems.append(f"{fish_file}: fish offers {sorted(got)} after {option}, "
                                f"missing {sorted(values - got)}")
    return problems


def main(argv):
    if len(argv) == 4 and argv[1] == "man":
        problems = check_man(argv[2], argv[3])
    elif len(argv) == 6 and argv[1] == "completions":
        problems = check_completions(*argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{argv[1]}: {os.path.basename(argv[2])} in step with --help")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
