"""Shell completion scripts for ``ytsession``, written from the argument parser itself so
they never fall behind it: ``ytsession completion bash|zsh|fish``.

bash gets a completion function; zsh loads the same function through ``bashcompinit``;
fish gets one ``complete`` line per command and option, with its help text. After
``--profile`` (and after ``profiles use`` / ``profiles copy``) all three offer the store's
profile names, asked of ``ytsession profiles --names`` when Tab is pressed.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..common import Parents

__all__ = ["Command", "cmd_completion", "commands", "register", "script"]

#: The option whose value is a profile name.
PROFILE_OPTION = "--profile"
#: The shell command that lists the profile names (honouring $YTSESSION_STORE / _HOME).
_NAMES = "ytsession profiles --names 2>/dev/null"
#: ``profiles ACTION NAME``: the actions whose argument is a profile name.
_NAMED_ACTIONS = ("use", "copy")


@dataclass
class Command:
    """One subcommand: its options (``--flag`` spellings) and help, as completion needs."""

    name: str
    help: str = ""
    options: list[tuple[list[str], str, list[str]]] = field(default_factory=list)
    positional_choices: list[str] = field(default_factory=list)


def _subparsers(
    parser: argparse.ArgumentParser,
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise ValueError("the parser has no subcommands")


def _options(parser: argparse.ArgumentParser) -> list[tuple[list[str], str, list[str]]]:
    found = []
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        choices = [str(c) for c in action.choices] if action.choices else []
        found.append((list(action.option_strings), action.help or "", choices))
    return found


def commands(parser: argparse.ArgumentParser) -> list[Command]:
    """:return: the parser's subcommands with their options, in the parser's order."""
    sub = _subparsers(parser)
    helps = {choice.dest: choice.help or "" for choice in sub._choices_actions}
    result = []
    for name, child in sub.choices.items():
        command = Command(name, helps.get(name, ""), _options(child))
        for action in child._actions:
            if not action.option_strings and action.choices:
                command.positional_choices = [str(c) for c in action.choices]
        result.append(command)
    return result


def _words(items: list[str]) -> str:
    return " ".join(items)


def _bash(parser: argparse.ArgumentParser) -> str:
    cmds = commands(parser)
    top = [o for spellings, _h, _c in _options(parser) for o in spellings]
    lines = [
        '# ytsession completion for bash: eval "$(ytsession completion bash)"',
        "_ytsession() {",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
        '    local cmd="" i',
        "    for ((i = 1; i < COMP_CWORD; i++)); do",
        '        case "${COMP_WORDS[i]}" in -*) ;; *) cmd="${COMP_WORDS[i]}"; break ;; esac',
        "    done",
        '    if [ -z "$cmd" ]; then',
        f'        COMPREPLY=($(compgen -W "{_words([c.name for c in cmds] + top)}" -- "$cur"))',
        "        return",
        "    fi",
        '    local opts=""',
        '    case "$cmd" in',
    ]
    for command in cmds:
        words = [o for spellings, _h, _c in command.options for o in spellings]
        words += command.positional_choices
        lines.append(f'        {command.name}) opts="{_words(words)}" ;;')
    lines += [
        "    esac",
        '    case "$cmd:$prev" in',
    ]
    for command in cmds:
        for spellings, _help, choices in command.options:
            if choices:
                patterns = "|".join(f"{command.name}:{s}" for s in spellings)
                lines.append(f'        {patterns}) opts="{_words(choices)}" ;;')
    named = "|".join(f"profiles:{action}" for action in _NAMED_ACTIONS)
    lines += [
        f'        *:{PROFILE_OPTION}|{named}) opts="$({_NAMES})" ;;',
        "    esac",
        '    COMPREPLY=($(compgen -W "$opts" -- "$cur"))',
        "}",
        "complete -o default -F _ytsession ytsession",
        "",
    ]
    return "\n".join(lines)


def _zsh(parser: argparse.ArgumentParser) -> str:
    return (
        "#compdef ytsession\n"
        '# ytsession completion for zsh: eval "$(ytsession completion zsh)"\n'
        "autoload -U +X bashcompinit && bashcompinit\n" + _bash(parser).split("\n", 1)[1]
    )


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish(parser: argparse.ArgumentParser) -> str:
    cmds = commands(parser)
    names = " ".join(c.name for c in cmds)
    lines = [
        "# ytsession completion for fish: "
        "ytsession completion fish > ~/.config/fish/completions/ytsession.fish",
        "complete -c ytsession -f",
    ]
    for command in cmds:
        lines.append(
            f"complete -c ytsession -n 'not __fish_seen_subcommand_from {names}' "
            f"-a {command.name} -d {_fish_quote(command.help.split('(')[0].strip())}"
        )
    for command in cmds:
        when = f"-n '__fish_seen_subcommand_from {command.name}'"
        if command.positional_choices:
            lines.append(
                f"complete -c ytsession {when} -a '{' '.join(command.positional_choices)}'"
            )
        for spellings, help_text, choices in command.options:
            flags = []
            for spelling in spellings:
                if spelling.startswith("--"):
                    flags.append(f"-l {spelling[2:]}")
                else:
                    flags.append(f"-s {spelling[1:]}")
            extra = f" -xa '{' '.join(choices)}'" if choices else ""
            if PROFILE_OPTION in spellings:
                extra = f" -xa '({_NAMES})'"
            description = _fish_quote(help_text.replace("%(default)s", "").split(" (")[0])
            lines.append(f"complete -c ytsession {when} {' '.join(flags)}{extra} -d {description}")
    lines.append(
        "complete -c ytsession -n '__fish_seen_subcommand_from profiles; and "
        f"__fish_seen_subcommand_from {' '.join(_NAMED_ACTIONS)}' -xa '({_NAMES})'"
    )
    return "\n".join(lines) + "\n"


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    """:return: the completion script for ``shell`` (``bash``, ``zsh`` or ``fish``).

    :raises ValueError: another shell.
    """
    if shell == "bash":
        return _bash(parser)
    if shell == "zsh":
        return _zsh(parser)
    if shell == "fish":
        return _fish(parser)
    raise ValueError(f"no completion for {shell!r}; use bash, zsh or fish")


def cmd_completion(args: argparse.Namespace) -> int:
    """Print a shell completion script (of the whole parser, which the parser passes as
    ``args.parser``)."""
    print(script(args.shell, args.parser), end="")
    return 0


def register(sub: Any, parents: Parents) -> None:
    """Add ``completion`` to the ``ytsession`` command's subparsers ``sub``."""
    completion = sub.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or fish)",
        description='Print a completion script. bash: `eval "$(ytsession completion '
        'bash)"` in ~/.bashrc; zsh: `eval "$(ytsession completion zsh)"` in ~/.zshrc; '
        "fish: `ytsession completion fish > ~/.config/fish/completions/ytsession.fish`.",
    )
    completion.add_argument("shell", choices=("bash", "zsh", "fish"))
    completion.set_defaults(handler=cmd_completion)
