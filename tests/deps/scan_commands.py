#!/usr/bin/env python3
"""deps.commands: every external command the project's scripts run is in the lab's preflight table.

Scans tests/lab/lab with every file of tests/lab/lib/ (the parts it sources), tests/e2e/*.sh and
the other helper files there (*.py too: subprocess and os.system calls), the *.sh of tests/deps, tests/docs and tests/package (each with tests/checks.sh), and the scripts (files
starting with #!) in bench/ and scripts/ for words in
command position, and fails, one FAIL line per use, when such a word is an external command that
`tests/lab/lab check --list` does not name (that table is what `lab check` and `lab up` look up;
tests/deps/test_packages.sh ties it to scripts/debian-packages).

External: the word resolves to an executable file on PATH (with /usr/sbin and /sbin added) and
is neither a bash builtin or keyword nor a function of the files read with it (the e2e suites
are read together with lib.sh and the other helpers they source). A command-like word that
resolves nowhere fails too unless the table names it (avahi-publish before avahi-utils was ever
installed), or ALLOW below does.

Command position: the start of a line; after | || && ; & ( $( ` <( { ! and if then do else elif
while until time; after the prefixes exec, command (not -v), sudo [-n] [-u U], env [-i] [-u N]
[VAR=..], timeout [-s S] N, nsenter ... [--], unshare ..., ip netns exec NS, lab exec NODE, chroot
DIR, setsid, nohup, nice, stdbuf, xargs ..., runuser ... --, flock FILE, ssh ... DEST (the remote
command: the lab's sshds run this machine's binaries); assignments before a command are skipped.
Code is also read from bash/sh -c strings (their "$@" is the arguments after $0), trap and eval
strings, $(...), backticks, <(...), the substitutions in unquoted here-documents, and a tmux
session's command; the bodies of other here-documents (configuration, python3 code) are not.
Functions learn from their bodies: one whose command runs "$@" after `shift N` makes its
arguments from the N+1st on a command (check WHAT CMD..., wait_until WHAT CMD..., quiet CMD...),
and in general `F ARGS` is read as the words before "$@" in F followed by ARGS; one that runs
"PREFIX$1" names PREFIXARG1 (host_lxc VERB: lxc-VERB); one that runs `sh -c "$1"` or types its
"$1" into a tmux pane takes code. "$VAR" and "${ARRAY[@]}" in command position stand for what the
files assign to them. Code for zsh, text typed at a prompt, and code after `source` of a file the
scan does not read are held only to names that resolve (their own functions are not known here).

Before the files, the scanner reads SELF_TEST, whose commands are known, and fails if it does
not find exactly those; it fails too when tests/lab/lab sources a file that is not in
tests/lab/lib/ (one it would not read).

    tests/deps/scan_commands.py [--list] [EXTRA_FILE...]
    DEPS_SCAN_EXTRA=FILE[:FILE...] tests/deps/scan_commands.py

EXTRA_FILE (or DEPS_SCAN_EXTRA) adds files to the scan, read as shell unless they end in .py;
--list prints every command found (COMMAND FILE:LINE, its first use in each file) and exits 0.
"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
LAB = os.path.join(ROOT, "tests", "lab", "lab")
LAB_LIB = os.path.join(ROOT, "tests", "lab", "lib")  # every file there is sourced by LAB
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# Words the scanner finds in command position that are no external command of the project's.
# Keep it short; say why for each.
ALLOW = {
    # The binary under test: run by name where a suite puts its build directory first on PATH.
    "lxhost": "the binary under test (the build directory is put on PATH)",
}

NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._+-]*$")
ASSIGN_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(\[[^]]*\])?\+?=(.*)$", re.S)
META = set(";&|()<>")


def bash_words(kind):
    out = subprocess.run(["bash", "-c", "compgen -" + kind], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


BUILTINS = bash_words("b")
KEYWORDS = bash_words("k")
SEARCH_PATH = [d for d in (os.environ.get("PATH", "") + ":" + DEFAULT_PATH).split(":") if d]


def on_path(name):
    for d in SEARCH_PATH:
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


class Word:
    """A shell word: tmpl is its text with quotes removed and expansions kept as written; value
    is the same when the word has no expansion (a literal), else None."""

    def __init__(self, tmpl, literal, line, file=None):
        self.tmpl = tmpl
        self.value = tmpl if literal else None
        self.line = line
        self.file = file  # where it was read (a function's words are used in other files)

    def __repr__(self):
        return "Word(%r)" % (self.tmpl,)


class Scope:
    """What pass 1 learns about a group of files: functions and what they run, variables."""

    def __init__(self):
        self.functions = set()
        self.macros = {}  # name -> [(words before its "$@", arguments it shifts first)]
        self.prefixers = {}  # name -> literal prefix of the command its first argument names
        self.code_funcs = {}  # name -> (index of its argument that is shell code, lenient)
        self.scalars = {}  # name -> [Word]
        self.arrays = {}  # name -> [[Word]]


class Func:
    """A function whose body is being read (or the code of a `sh -c`)."""

    def __init__(self, name):
        self.name = name
        self.shifts = 0
        self.arg1_vars = set()  # locals assigned "$1"
        self.depth = None  # brace depth of its body
        self.positional = None  # for the code of `sh -c CODE ARG0 ARGS...`: ARGS
        self.outer = None  # ... and the function that code is run from


class Lexer:
    """Reads shell code; hands each simple command (a list of Words) to a Command processor."""

    def __init__(self, scanner, text, line0=1):
        self.s = scanner
        self.text = text
        self.pos = 0
        self.line0 = line0
        self.heredocs = []
        self.terms = []  # terminators of the code being read, innermost last

    def line(self, pos=None):
        return self.line0 + self.text.count("\n", 0, self.pos if pos is None else pos)

    def peek(self, n=0):
        i = self.pos + n
        return self.text[i] if i < len(self.text) else ""

    # --- nested constructs -----------------------------------------------------------------
    def skip_single(self):  # after the opening '
        end = self.text.find("'", self.pos)
        end = len(self.text) if end < 0 else end
        s = self.text[self.pos:end]
        self.pos = end + 1
        return s

    def skip_ansi(self):  # after $'
        out = []
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos:self.pos + 2])
                self.pos += 2
                continue
            self.pos += 1
            if c == "'":
                break
            out.append(c)
        return "".join(out)

    def skip_arith(self, func):  # after $(( or ((: to the matching ))
        depth = 2
        start = self.pos
        while self.pos < len(self.text) and depth > 0:
            c = self.text[self.pos]
            if c == "$" and self.peek(1) == "(":
                if self.peek(2) == "(":
                    self.pos += 3
                    self.skip_arith(func)
                else:
                    self.pos += 2
                    self.code(")", func)
                continue
            if c == "`":
                self.pos += 1
                self.code("`", func)
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            self.pos += 1
        return self.text[start:self.pos]

    def skip_param(self, func):  # after ${: to the matching }
        start = self.pos
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == "\\":
                self.pos += 2
                continue
            if c == "}":
                self.pos += 1
                break
            if c == "'":
                self.pos += 1
                self.skip_single()
                continue
            if c == '"':
                self.pos += 1
                self.double(func)
                continue
            if c == "$" or c == "`":
                self.dollar(func)
                continue
            self.pos += 1
        return "${" + self.text[start:self.pos]

    def dollar(self, func):
        """At $ or `: an expansion; returns its text (nested code is scanned)."""
        start = self.pos
        c = self.text[self.pos]
        if c == "`":
            self.pos += 1
            self.code("`", func)
        elif self.peek(1) == "(":
            if self.peek(2) == "(":
                self.pos += 3
                self.skip_arith(func)
            else:
                self.pos += 2
                self.code(")", func)
        elif self.peek(1) == "{":
            self.pos += 2
            self.skip_param(func)
        else:
            self.pos += 1
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]").match(self.text, self.pos)
            if m:
                self.pos = m.end()
        return self.text[start:self.pos]

    def double(self, func, end='"'):  # after the opening ": returns (tmpl, literal)
        out, literal = [], True
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c == end:
                self.pos += 1
                break
            if c == "\\" and end == '"':
                n = self.peek(1)
                if n in '"\\$`':
                    out.append(n)
                    self.pos += 2
                    continue
                if n == "\n":
                    self.pos += 2
                    continue
            if c == "$" and (self.peek(1) in "({" or re.match(r"[A-Za-z_0-9@*#?$!-]", self.peek(1) or " ")):
                out.append(self.dollar(func))
                literal = False
                continue
            if c == "`":
                out.append(self.dollar(func))
                literal = False
                continue
            out.append(c)
            self.pos += 1
        return "".join(out), literal

    # --- words and tokens ----------------------------------------------------------------
    def word(self, func):
        """Reads one word at self.pos; returns a Word (pos after it)."""
        line = self.line()
        out, literal = [], True
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c in " \t\n" or c in META:
                if c in "<>" and self.peek(1) == "(" and not out:
                    # process substitution: code
                    self.pos += 2
                    self.code(")", func)
                    out.append(c + "(...)")
                    literal = False
                    continue
                break
            if c == "\\":
                n = self.peek(1)
                if n == "\n":
                    self.pos += 2
                    continue
                out.append(n)
                self.pos += 2
                continue
            if c == "'":
                self.pos += 1
                out.append(self.skip_single())
                continue
            if c == "$" and self.peek(1) == "'":
                self.pos += 2
                out.append(self.skip_ansi())
                continue
            if c == '"':
                self.pos += 1
                t, lit = self.double(func)
                out.append(t)
                literal = literal and lit
                continue
            if c == "`" and self.terms and self.terms[-1] == "`":
                break  # the end of the `...` this word is in
            if c == "$" or c == "`":
                if c == "$" and not re.match(r"[({A-Za-z_0-9@*#?$!-]", self.peek(1) or " "):
                    out.append(c)
                    self.pos += 1
                    continue
                out.append(self.dollar(func))
                literal = False
                continue
            out.append(c)
            self.pos += 1
            # NAME=( ... ): an array assignment; its elements are words, not commands
            if c == "=" and self.peek() == "(" and re.match(r"^[A-Za-z_][A-Za-z0-9_]*\+?=$", "".join(out)):
                self.pos += 1
                elems = self.array_elements(func)
                w = Word("".join(out), literal, line, self.s.file)
                w.array = elems
                return w
        return Word("".join(out), literal, line, self.s.file)

    def array_elements(self, func):
        elems = []
        while self.pos < len(self.text):
            c = self.text[self.pos]
            if c in " \t\n":
                self.pos += 1
                if c == "\n":
                    self.read_heredocs(func)
                continue
            if c == "#":
                self.skip_comment()
                continue
            if c == ")":
                self.pos += 1
                break
            w = self.word(func)
            if self.pos < len(self.text) and self.text[self.pos] in META and self.text[self.pos] != ")":
                self.pos += 1  # stray metacharacter inside a list: skip it
            elems.append(w)
        return elems

    def skip_comment(self):
        end = self.text.find("\n", self.pos)
        self.pos = len(self.text) if end < 0 else end

    def read_heredocs(self, func):
        """After a newline: the bodies of the here-documents opened on that line."""
        docs, self.heredocs = self.heredocs, []
        for delim, strip, expand in docs:
            while self.pos < len(self.text):
                end = self.text.find("\n", self.pos)
                end = len(self.text) if end < 0 else end
                body_line = self.text[self.pos:end]
                if (body_line.lstrip("\t") if strip else body_line) == delim:
                    self.pos = min(end + 1, len(self.text))
                    break
                if expand:
                    self.substitutions_in(end, func)
                self.pos = min(end + 1, len(self.text))

    def substitutions_in(self, end, func):
        """Scans $(...) and `...` in text up to end (an unquoted here-document's line)."""
        while self.pos < end:
            c = self.text[self.pos]
            if c == "\\":
                self.pos += 2
            elif c == "$" and self.peek(1) in "({":
                self.dollar(func)
            elif c == "`":
                self.dollar(func)
            else:
                self.pos += 1

    def code(self, terminator, func=None):
        """Scans code up to terminator (None: the end of the text); pos after it."""
        self.terms.append(terminator)
        try:
            self.code_body(terminator, func)
        finally:
            self.terms.pop()

    def code_body(self, terminator, func):
        cmd = Commands(self.s, func)
        while True:
            if self.pos >= len(self.text):
                cmd.op("\n")
                return
            c = self.text[self.pos]
            if c in " \t":
                self.pos += 1
                continue
            if c == "\\" and self.peek(1) == "\n":
                self.pos += 2
                continue
            if c == "\n":
                self.pos += 1
                cmd.op("\n")
                self.read_heredocs(cmd.func)
                continue
            if c == "#":
                self.skip_comment()
                continue
            if terminator == "`" and c == "`":
                self.pos += 1
                cmd.op("\n")
                return
            if c == ")" and terminator == ")" and cmd.depth == 0 and not cmd.in_pattern():
                self.pos += 1
                cmd.op("\n")
                return
            if c == "(" and self.peek(1) == "(" and cmd.at_start():
                self.pos += 2
                self.skip_arith(cmd.func)
                cmd.word(Word("((...))", False, self.line(), self.s.file))
                continue
            if c in "<>" and self.peek(1) == "(":
                cmd.word(self.word(cmd.func))
                continue
            if c in META:
                for op in (";;&", ";;", ";&", "&&", "||", "|&", "&>>", "&>", "<<<", "<<-", "<<", "<&", "<>",
                           ">>", ">&", ">|", ";", "&", "|", "(", ")", "<", ">"):
                    if self.text.startswith(op, self.pos):
                        break
                self.pos += len(op)
                if op in ("<<", "<<-"):
                    while self.peek() in " \t":
                        self.pos += 1
                    raw_start = self.pos
                    w = self.word(cmd.func)
                    raw = self.text[raw_start:self.pos]
                    self.heredocs.append((w.tmpl, op == "<<-", not any(q in raw for q in "'\"\\")))
                    continue
                if op in ("<", ">", ">>", ">&", "<&", "<>", ">|", "&>", "&>>", "<<<"):
                    cmd.redirect()
                    continue
                cmd.op(op)
                continue
            w = self.word(cmd.func)
            # 2>&1, 9>&-, {fd}<...: the word before a redirection is a descriptor, not an argument
            if self.peek() in ("<", ">") and re.match(r"^([0-9]+|\{[A-Za-z_][A-Za-z0-9_]*\})$", w.tmpl):
                continue
            cmd.word(w)


class Commands:
    """Groups tokens into simple commands, following case, [[ ]], for and function bodies."""

    def __init__(self, scanner, func):
        self.s = scanner
        self.func = func
        self.words = []
        self.depth = 0  # ( ) subshells open in this code
        self.brace = 0  # { } groups open
        self.cases = []  # per open case: "subject", "in", "pattern" or "body"
        self.skip_redirect = False
        self.dbracket = False
        self.pending_func = None  # NAME seen as "NAME (" at command start
        self.funcs = []  # functions whose bodies are open here, innermost last
        self.base_func = func  # the function this code is in (for $(...) inside a body)
        self.awaiting_close = False

    def in_pattern(self):
        return bool(self.cases) and self.cases[-1] in ("pattern",)

    def at_start(self):
        return not self.words or all(w.value in ("for", "!", "if", "while", "until", "then", "do", "else",
                                                 "elif", "{", "time") for w in self.words)

    def redirect(self):
        self.skip_redirect = True

    def word(self, w):
        if self.skip_redirect:
            self.skip_redirect = False
            return
        if self.dbracket:
            if w.value == "]]":
                self.dbracket = False
                self.words.append(Word("[[...]]", False, w.line, w.file))
            return
        if self.cases:
            state = self.cases[-1]
            if state == "subject":
                self.cases[-1] = "in"
                return
            if state == "in":
                if w.value == "in":
                    self.cases[-1] = "pattern"
                return
            if state == "pattern":
                if w.value == "esac":
                    self.cases.pop()
                return
            if not self.words and w.value == "esac":
                self.cases.pop()
                return
        if not self.words or self.at_start():
            if w.value == "[[":
                self.dbracket = True
                return
            if w.value == "case":
                self.flush()
                self.cases.append("subject")
                return
            if w.value == "{":
                self.brace += 1
                if self.pending_func:
                    f = self.pending_func
                    f.depth = self.brace
                    self.funcs.append(f)
                    self.func = f
                    self.pending_func = None
                return
            if w.value == "}":
                self.flush()
                if self.funcs and self.funcs[-1].depth == self.brace:
                    self.funcs.pop()
                    self.func = self.funcs[-1] if self.funcs else self.base_func
                self.brace -= 1
                return
            if w.value == "function" and not self.words:
                self.words.append(w)
                return
        if self.words and self.words[0].value == "function" and len(self.words) == 1:
            self.define(w.tmpl)
            self.words = []
            return
        self.words.append(w)

    def define(self, name):
        if self.s.pass_no == 1:
            self.s.scope.functions.add(name)
        self.pending_func = Func(name)

    def op(self, op):
        if self.dbracket:
            return
        if self.cases and self.cases[-1] == "pattern":
            if op == ")":
                self.cases[-1] = "body"
            return
        if self.cases and self.cases[-1] == "in":
            return
        if op == "(":
            first = self.words[0].value if len(self.words) == 1 else None
            if first and first not in KEYWORDS and NAME_RE.match(first.replace(":", "_")):
                # NAME ( ) : a function definition (its ")" follows)
                self.define(self.words[0].value)
                self.words = []
                self.awaiting_close = True
                return
            self.flush()
            self.depth += 1
            return
        if op == ")":
            if self.awaiting_close:
                self.awaiting_close = False
                return
            self.flush()
            if self.depth > 0:
                self.depth -= 1
            return
        self.flush()
        if op in (";;", ";&", ";;&") and self.cases:
            self.cases[-1] = "pattern"

    def flush(self):
        words, self.words = self.words, []
        if not words:
            return
        if words[0].value in ("for", "select"):
            return
        if self.pending_func and words:
            self.pending_func = None
        self.s.command(words, self.func)


class Scanner:
    def __init__(self):
        self.scope = None
        self.pass_no = 1
        self.file = None
        self.lenient = 0  # > 0 in code of another shell (zsh), typed at a prompt, or after `source`
        self.group_names = set()  # the names of the files read together (e2e: lib.sh and the suites)
        self.found = []  # (name, file, line, resolved path or None)

    # --- a simple command ------------------------------------------------------------------
    def command(self, words, func, depth=0):
        if depth > 8:
            return
        if depth == 0 and self.pass_no == 1 and func is not None and func.positional is None:
            self.learn_macro(words, func)
        i = 0
        while i < len(words):
            w = words[i]
            if ASSIGN_RE.match(w.tmpl):  # assignments before the command
                self.assignment(w, func)
                i += 1
                continue
            v = w.value
            if v in ("if", "then", "else", "elif", "do", "while", "until", "!", "time", "{"):
                i += 1
                continue
            if v in ("fi", "done", "esac", "}", "for", "select", "in"):
                return
            if v is None:
                m = re.match(r"^\$(?:@|\{@(?::([0-9]+))?\})$", w.tmpl)
                if m:
                    # "$@" of a `sh -c CODE ARG0 ARGS...`: ARGS, less what CODE shifted
                    if func is not None and func.positional is not None:
                        n = func.shifts + (int(m.group(1)) - 1 if m.group(1) else 0)
                        self.command(func.positional[n:], func.outer, depth + 1)
                    return
                alts = self.expand_head(w)
                for alt in (alts or [])[:8]:
                    self.command(alt + words[i + 1:], func, depth + 1)
                m = re.match(r"^([A-Za-z0-9._+-]+)\$\{?([A-Za-z_0-9][A-Za-z0-9_]*)\}?$", w.tmpl)
                if not alts and m and self.pass_no == 1 and func is not None and func.positional is None and (
                        (m.group(2) == "1" and func.shifts == 0) or m.group(2) in func.arg1_vars):
                    # "PREFIX$1" (host_lxc VERB ...: lxc-VERB)
                    self.scope.prefixers.setdefault(func.name, m.group(1))
                return
            self.head(v, words, i, func, depth)
            return

    def learn_macro(self, words, func):
        """Pass 1, a command in the body of function F: F ARGS... runs what precedes its "$@"."""
        for j, w in enumerate(words):
            m = re.match(r"^\$(?:@|\{@(?::([0-9]+))?\})$", w.tmpl)
            if m:
                skip = func.shifts + (int(m.group(1)) - 1 if m.group(1) else 0)
                entry = (words[:j], skip)
                macros = self.scope.macros.setdefault(func.name, [])
                if not any(e[1] == skip and [x.tmpl for x in e[0]] == [x.tmpl for x in words[:j]] for e in macros):
                    macros.append(entry)
                return

    def expand_head(self, w):
        """$VAR, ${VAR:-x}, ${ARRAY[@]} in command position: the word lists they may be."""
        t = w.tmpl
        m = re.match(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\[@\][^}]*\}$", t)
        if m:
            return [list(a) for a in self.scope.arrays.get(m.group(1), [])] or None
        m = re.match(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}$]*))?\}|([A-Za-z_][A-Za-z0-9_]*))$", t)
        if m:
            name = m.group(1) or m.group(3)
            out = []
            for val in self.scope.scalars.get(name, []):
                if val.value is not None:
                    out.append([Word(val.value, True, w.line, w.file)])
                else:
                    d = re.match(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:-([^}$]*)\}$", val.tmpl)
                    if d:
                        out.append([Word(d.group(1), True, w.line, w.file)])
                    elif re.search(r"(^|/)tests/lab/lab$", val.tmpl):
                        out.append([Word("tests/lab/lab", True, w.line, w.file)])
            if not out and m.group(2):
                out.append([Word(m.group(2), True, w.line, w.file)])
            return out or None
        return None

    def assignment(self, w, func):
        m = ASSIGN_RE.match(w.tmpl)
        name, index = m.group(1), m.group(2)
        if self.pass_no != 1:
            return
        if hasattr(w, "array"):
            if "+=" in w.tmpl and self.scope.arrays.get(name):
                self.scope.arrays[name][-1] = self.scope.arrays[name][-1] + w.array
            else:
                self.scope.arrays.setdefault(name, []).append(w.array)
            return
        if index:
            return
        val = Word(m.group(3), w.value is not None, w.line, w.file)
        self.scope.scalars.setdefault(name, []).append(val)
        if func is not None and func.shifts == 0 and m.group(3) in ("$1", "${1}"):
            func.arg1_vars.add(name)

    def record(self, name, word, path):
        if self.pass_no == 2 and (path is not None or not self.lenient):
            self.found.append((name, word.file or self.file, word.line, path))

    def head(self, v, words, i, func, depth):
        w, line = words[i], words[i].line
        args = words[i + 1:]
        base = v.rsplit("/", 1)[-1]
        if "/" in v:
            if re.search(r"(^|/)tests/lab/lab$", v):
                self.lab_tool(args, func, depth)
                return
            if v.startswith("/"):  # /usr/sbin/sshd, /usr/bin/time: external, by its name
                self.record(base, w, v if os.path.isfile(v) and os.access(v, os.X_OK) else None)
                self.after(base, args, func, depth)
            return  # the project's own scripts (scripts/..., bench/...) and built binaries
        if v in self.scope.functions:
            for template, skip in self.scope.macros.get(v, [])[:6]:
                self.command(list(template) + args[skip:], func, depth + 1)
            if v in self.scope.prefixers and args and args[0].value:
                self.command([Word(self.scope.prefixers[v] + args[0].value, True, args[0].line, args[0].file)] + args[1:],
                             func, depth + 1)
            if v in self.scope.code_funcs:
                n, lenient = self.scope.code_funcs[v]
                if n < len(args):
                    self.code_string(args[n].tmpl, args[n].line, func, lenient)
            return
        if v in KEYWORDS or v in BUILTINS:
            self.builtin(v, args, func, depth, line)
            return
        if not NAME_RE.match(v):
            return
        self.record(v, w, on_path(v))
        self.after(v, args, func, depth)

    def builtin(self, v, args, func, depth, line):
        if v == "shift" and func is not None:
            n = args[0].value if args else "1"
            func.shifts += int(n) if n and n.isdigit() else 1
        elif v in ("local", "declare", "typeset", "readonly", "export"):
            for a in args:
                if ASSIGN_RE.match(a.tmpl):
                    self.assignment(a, func)
        elif v == "exec":
            self.command(self.skip_opts(args, takes={"-a"}), func, depth + 1)
        elif v == "command":
            if args and args[0].value in ("-v", "-V"):
                return
            self.command(self.skip_opts(args), func, depth + 1)
        elif v == "time":
            self.command(self.skip_opts(args), func, depth + 1)
        elif v == "eval":
            self.code_string(" ".join(a.tmpl for a in args), line, func)
        elif v in ("source", ".") and args:
            # a file of functions the scan does not read: what it defines is unknown here
            if os.path.basename(args[0].tmpl) not in self.group_names:
                self.lenient += 1
        elif v == "trap" and args:
            if args[0].value not in ("-p", "-l", "--", "-"):
                self.code_string(args[0].tmpl, line, func)

    @staticmethod
    def skip_opts(args, takes=(), stop_at_dashdash=True):
        i = 0
        while i < len(args):
            a = args[i].value
            if a is None or not a.startswith("-") or a == "-":
                break
            if a == "--" and stop_at_dashdash:
                i += 1
                break
            i += 2 if a in takes else 1
        return args[i:]

    def code_string(self, text, line, func, lenient=False, positional=None):
        """Code in a string: a new shell's when positional is given (sh -c CODE ARG0 ARGS...)."""
        if positional is not None:
            pseudo = Func("sh -c")
            pseudo.positional = positional
            pseudo.outer = func
            func = pseudo
        saved = self.lenient
        self.lenient += lenient
        try:
            Lexer(self, text, line).code(None, func)
        finally:
            self.lenient = saved

    def lab_tool(self, args, func, depth):
        # tests/lab/lab exec NODE CMD...
        if len(args) >= 2 and args[0].value == "exec":
            self.command(args[2:], func, depth + 1)

    def positional_arg(self, word, func):
        """"$N" in a function (after its shifts): the index of the caller's argument, else None."""
        m = re.match(r"^\$(?:([1-9])|\{([1-9])\})$", word.tmpl)
        if m and func is not None and func.positional is None:
            return func.shifts + int(m.group(1) or m.group(2)) - 1
        return None

    def shell_code(self, name, args, func):
        """bash|sh|dash|zsh [OPTS] -c CODE [ARG0 ARGS...]"""
        k = 0
        while k < len(args):
            a = args[k].value
            if a is None or a[:1] not in "-+" or a in ("-", "--"):
                return
            cluster = a[1:] if not a.startswith("--") else ""
            if "c" in cluster:
                if k + 1 + cluster.count("o") >= len(args):
                    return
                code = args[k + 1 + cluster.count("o")]
                lenient = name == "zsh"
                n = self.positional_arg(code, func)
                if n is not None:
                    if self.pass_no == 1:
                        self.scope.code_funcs.setdefault(func.name, (n, lenient))
                    return
                text = code.tmpl
                if code.value is None:
                    alts = self.expand_head(code)
                    if alts:
                        text = "\n".join(alt[0].tmpl for alt in alts if alt)
                self.code_string(text, code.line, func, lenient,
                                 positional=list(args[k + 3 + cluster.count("o"):]))
                return
            k += 1 + cluster.count("o")  # -o NAME, -euo NAME: the option's name follows

    def tmux(self, args, func):
        rest = self.skip_opts(args, takes={"-L", "-S", "-f", "-c", "-T"})
        if not rest or rest[0].value is None:
            return
        sub, rest = rest[0].value, rest[1:]
        if sub in ("new-session", "new", "new-window", "neww", "split-window", "splitw", "respawn-pane",
                   "respawn-window"):
            rest = self.skip_opts(rest, takes={"-s", "-n", "-t", "-x", "-y", "-c", "-e", "-F", "-f", "-l", "-w"})
            if rest:
                self.code_string(rest[0].tmpl, rest[0].line, func)
        elif sub == "send-keys" and any(a.value == "-l" for a in rest):
            # text typed at a shell prompt on this machine (bash or zsh)
            for a in self.skip_opts(rest, takes={"-t", "-N"}):
                n = self.positional_arg(a, func)
                if n is not None:
                    if self.pass_no == 1:
                        self.scope.code_funcs.setdefault(func.name, (n, True))
                else:
                    self.code_string(a.tmpl, a.line, func, True)

    def after(self, name, args, func, depth):
        """The external command NAME ran with ARGS: the command it runs in turn, if any."""
        d = depth + 1
        if name == "sudo":
            self.command(self.skip_opts(args, takes={"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-T", "-U"}), func, d)
        elif name == "env":
            rest = self.skip_opts(args, takes={"-u", "-C", "-S"})
            while rest and (ASSIGN_RE.match(rest[0].tmpl) or re.match(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\[@\]\}$", rest[0].tmpl)):
                rest = rest[1:]
            self.command(rest, func, d)
        elif name == "timeout":
            rest = self.skip_opts(args, takes={"-s", "-k"})
            self.command(rest[1:], func, d)
        elif name in ("nsenter", "unshare"):
            dd = [k for k, a in enumerate(args) if a.value == "--"]
            if dd:
                self.command(args[dd[0] + 1:], func, d)
            else:
                self.command(self.skip_opts(args, takes={"-t", "--target", "-S", "--setuid", "-G", "--setgid",
                                                         "--propagation", "--setgroups", "-R", "--root",
                                                         "-w", "--wd", "--map-user", "--map-group"}), func, d)
        elif name == "ip":
            if len(args) >= 3 and args[0].value == "netns" and args[1].value == "exec":
                self.command(args[3:], func, d)
        elif name == "chroot":
            self.command(self.skip_opts(args)[1:], func, d)
        elif name in ("setsid", "nohup", "stdbuf", "nice", "ionice"):
            self.command(self.skip_opts(args, takes={"-n", "-c", "-i", "-e", "-o"}), func, d)
        elif name == "xargs":
            self.command(self.skip_opts(args, takes={"-P", "-I", "-n", "-d", "-L", "-s", "-a", "-E"}), func, d)
        elif name == "runuser":
            dd = [k for k, a in enumerate(args) if a.value == "--"]
            if dd:
                self.command(args[dd[0] + 1:], func, d)
        elif name == "flock":
            for k, a in enumerate(args):
                if a.value in ("-c", "--command") and k + 1 < len(args):
                    self.code_string(args[k + 1].tmpl, args[k + 1].line, func)
                    return
            self.command(self.skip_opts(args, takes={"-w", "-E", "--timeout", "--conflict-exit-code"})[1:], func, d)
        elif name == "ssh":
            rest = self.skip_opts(args, takes={"-B", "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L",
                                               "-l", "-m", "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w"})
            self.command(rest[1:], func, d)
        elif name in ("bash", "sh", "dash", "zsh"):
            self.shell_code(name, args, func)
        elif name == "tmux":
            self.tmux(args, func)

    # --- files --------------------------------------------------------------------------------
    def scan_shell(self, path, text, pass_no):
        self.pass_no = pass_no
        self.file = path
        self.lenient = 0
        Lexer(self, text).code(None, None)

    def scan_python(self, path, text):
        """subprocess/os calls with a literal command: ["NAME", ...] or "NAME ..." (shell)."""
        self.pass_no = 2
        self.file = path
        for m in re.finditer(r"(?:subprocess\.(?:run|call|check_call|check_output|Popen)|os\.(?:execv?p?e?|spawnv?p?e?))"
                             r"\(\s*\[\s*(['\"])([^'\"]+)\1", text):
            name = m.group(2).rsplit("/", 1)[-1]
            self.record(name, Word(name, True, text.count("\n", 0, m.start()) + 1, path), on_path(name))
        for m in re.finditer(r"os\.(?:system|popen)\(\s*(['\"])(.*?)\1", text):
            self.code_string(m.group(2), text.count("\n", 0, m.start()) + 1, None)


def files_to_scan():
    groups = []  # (scope files, files to report)
    # The lab with its parts: read together, as it sources them (whatever their names).
    groups.append([LAB] + sorted(p for p in glob.glob(os.path.join(LAB_LIB, "*")) if os.path.isfile(p)))
    e2e = sorted(p for p in glob.glob(os.path.join(ROOT, "tests", "e2e", "**", "*"), recursive=True)
                 if os.path.isfile(p) and (p.endswith(".sh") or p.endswith(".py")))
    groups.append(e2e)
    checks = os.path.join(ROOT, "tests", "checks.sh")  # what the suites without a lab source
    for d in ("tests/deps", "tests/docs", "tests/package"):  # the other suites' scripts
        for p in sorted(glob.glob(os.path.join(ROOT, d, "*.sh"))):
            groups.append([p, checks])
    for d in ("bench", "scripts"):
        for p in sorted(glob.glob(os.path.join(ROOT, d, "*"))):
            with open(p, "rb") as f:
                if f.read(2) == b"#!":  # a script; not a data file such as scripts/debian-packages
                    groups.append([p])
    return groups


def lab_parts_read():
    """Every file the lab sources is one the scan reads with it (in tests/lab/lib/): a part sourced
    from elsewhere would go unscanned, its commands unchecked."""
    with open(LAB, encoding="utf-8", errors="surrogateescape") as f:
        text = f.read()
    sourced = re.findall(r"^[ \t]*(?:source|\.)[ \t]+(\S+)", text, re.M)
    ok = True
    for arg in sourced:
        m = re.fullmatch(r'"?\$LAB_LIB/([^/"]+)"?', arg)
        if not m or not os.path.isfile(os.path.join(LAB_LIB, m.group(1))):
            print("FAIL deps.commands: tests/lab/lab sources %s, which is not a file of tests/lab/lib/ "
                  "(the files the scan reads with it)" % arg)
            ok = False
    if not sourced:
        print("FAIL deps.commands: tests/lab/lab sources no file of tests/lab/lib/: the scanner is out of date")
        ok = False
    return ok


def is_python(path, text):
    return path.endswith(".py") or text.startswith("#!/usr/bin/env python") or text.startswith("#!/usr/bin/python")


def scan(extra):
    sc = Scanner()
    groups = files_to_scan() + [[os.path.abspath(p)] for p in extra]
    nfiles = 0
    for group in groups:
        sc.scope = Scope()
        sc.group_names = {os.path.basename(p) for p in group}
        texts = {}
        for p in group:
            with open(p, encoding="utf-8", errors="surrogateescape") as f:
                texts[p] = f.read()
        for _ in range(2):  # twice: a function may be used in a file read before its own
            for p in group:
                if not is_python(p, texts[p]):
                    sc.scan_shell(p, texts[p], 1)
        for p in group:
            nfiles += 1
            if is_python(p, texts[p]):
                sc.scan_python(p, texts[p])
            else:
                sc.scan_shell(p, texts[p], 2)
    return sc.found, nfiles


# The scanner on code whose commands are known (made-up names, so that none is on PATH): what it
# must find, and what it must not (in strings, comments, patterns, quoted here-documents).
SELF_TEST = r"""
st-1 -x | st-2 && st-3 || st-4; st-5 &
v=$(st-6 "$(st-7)") w=`st-8`
if st-9; then st-10; elif ! st-11; then :; else st-12; fi
while read -r l; do st-13 <<<"$l"; done < <(st-14)
sudo -n -u nobody st-15; env -i A=b st-16; timeout -s KILL 5 st-17; nsenter -t 1 --net -- st-18
ip netns exec laptop st-19; tests/lab/lab exec laptop env X=1 st-20; setsid -f st-21; xargs -P 2 -I{} st-22
bash -c 'st-23 "$1"' _ x; trap 'st-24' EXIT; eval "st-25 a"
case $x in st-no-1) st-26 ;; st-no-2 | st-no-3) st-27 ;; esac
[[ $a == st-no-4 ]] && st-28
echo "st-no-5; st-no-6 | st-no-7" 'st-no-8 && st-no-9' # st-no-10
cat <<EOF
st-no-11 $(st-29)
EOF
cat <<'EOF'
$(st-no-12)
EOF
each() { local what=$1; shift; "$@"; }
each "st-no-13" st-30 arg
run=(st-31 -v)
"${run[@]}" x
for f in st-no-14; do { st-32; }; done
exec st-33
"""
SELF_TEST_FINDS = {"st-%d" % i for i in range(1, 34)} | {"cat", "env", "sudo", "timeout", "nsenter", "ip", "setsid",
                                                         "xargs", "bash"}


def self_test():
    sc = Scanner()
    sc.scope = Scope()
    sc.group_names = set()
    for _ in range(2):
        sc.scan_shell("<self-test>", SELF_TEST, 1)
    sc.scan_shell("<self-test>", SELF_TEST, 2)
    got = {f[0] for f in sc.found}
    missed, extra = sorted(SELF_TEST_FINDS - got), sorted(got - SELF_TEST_FINDS)
    if missed or extra:
        print("FAIL deps.commands: the scanner's self-test: missed %s, wrongly found %s" % (missed, extra))
        return False
    return True


def table():
    out = subprocess.run(["bash", LAB, "check", "--list"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("scan_commands: error: 'tests/lab/lab check --list' failed (%d): %s" % (out.returncode, out.stderr.strip()))
    t = {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) != 2:
            sys.exit("scan_commands: error: 'lab check --list' printed a line that is not COMMAND PACKAGE: %r" % line)
        t[parts[0]] = parts[1]
    if len(t) < 10:
        sys.exit("scan_commands: error: 'lab check --list' names only %d commands" % len(t))
    return t


def main(argv):
    listing = "--list" in argv
    extra = [a for a in argv if a != "--list"]
    extra += [p for p in os.environ.get("DEPS_SCAN_EXTRA", "").split(":") if p]
    for p in extra:
        if not os.path.isfile(p):
            sys.exit("scan_commands: error: no file %s" % p)
    found, nfiles = scan(extra)
    rel = lambda p: os.path.relpath(p, ROOT) if p.startswith(ROOT + "/") else p
    if listing:
        seen = set()
        for name, path, line, resolved in sorted(found, key=lambda f: (f[0], f[1], f[2])):
            if (name, path) in seen:
                continue
            seen.add((name, path))
            print("%s %s:%d%s" % (name, rel(path), line, "" if resolved else " (not on PATH)"))
        return 0
    if not self_test() or not lab_parts_read():
        return 1
    t = table()
    problems = []
    external = set()
    for name, path, line, resolved in sorted(set(found), key=lambda f: (f[1], f[2], f[0])):
        if name in ALLOW:
            continue
        if resolved is None and name not in t:
            problems.append("%s:%d: %s is run there, is not on PATH and not in the lab's preflight table "
                            "(tests/lab/lab, check --list)" % (rel(path), line, name))
            continue
        if resolved is None:
            continue
        external.add(name)
        if name not in t:
            problems.append("%s:%d: %s (%s) is run there but the lab's preflight table (tests/lab/lab, check --list) "
                            "does not name it" % (rel(path), line, name, resolved))
    for p in problems:
        print("FAIL " + p)
    if problems:
        print("deps.commands: %d uses of commands missing from the preflight table, in %d files" % (len(problems), nfiles))
        return 1
    if len(external) < 20:
        print("FAIL deps.commands: only %d external commands found in %d files: the scanner is broken" % (len(external), nfiles))
        return 1
    print("deps.commands: %d external commands in %d files, every one in the preflight table (%d entries)"
          % (len(external), nfiles, len(t)))
    unseen = sorted(set(t) - {f[0] for f in found})
    if unseen:
        print("note: in the table, not seen run directly by a scanned script (lxhost runs lxc-* on the host, "
              "tcsh is a login shell, ...): "
              + " ".join(unseen))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
