#!/usr/bin/env python3
"""Generate a large synthetic canonical tree in the AIWG shape.

The tree is meant for benchmarks and stress tests of aiwgfs: it has the
layout, the frontmatter quirks and the file sizes of a real tree, with
plausible but machine-written text. Output depends only on the arguments
and the seed, so the same command always writes the same bytes.

Layout written under OUT_DIR:

    agentic/code/frameworks/<fw>/{agents,commands,skills,rules,templates,docs}
    agentic/code/addons/<addon>/{...}

Every artifact id is unique across the whole tree, so a scanner must find
exactly the requested number of agents, commands, skills and rules.
Besides the artifacts the tree holds things a scanner must skip: command
templates under commands/**/templates/, rule detail files next to a
RULES-INDEX.md, skill folders without SKILL.md, README.md, manifest.md and
the other non-artifact names.
"""

import argparse
import json
import os
import random
import sys

DEFAULT_SEED = 20250301

FRAMEWORK_NAMES = [
    "sdlc-complete", "media-marketing-kit", "research-complete",
    "media-curator", "ops-complete", "data-platform", "mobile-delivery",
    "compliance-suite",
]
ADDON_NAMES = [
    "writing-quality", "aiwg-utils", "testing-quality", "security-hardening",
    "voice-framework", "doc-intelligence", "cost-tracking", "i18n-helpers",
    "design-review", "incident-response",
]

DOMAINS = [
    "api", "database", "frontend", "backend", "mobile", "cloud", "security",
    "performance", "accessibility", "release", "incident", "data", "ml",
    "infrastructure", "network", "billing", "search", "auth", "payments",
    "logging", "metrics", "cache", "queue", "storage", "compliance",
    "privacy", "localization", "docs", "dependency", "build", "ci",
    "container", "kubernetes", "terraform", "graphql", "schema", "migration",
    "ux", "content", "brand", "campaign", "analytics", "experiment",
    "research", "citation", "media", "video", "audio", "image", "sre",
    "seo", "onboarding", "pricing", "support", "llm", "prompt", "quality",
]
ROLES = [
    "engineer", "reviewer", "architect", "auditor", "analyst", "planner",
    "specialist", "optimizer", "curator", "writer", "tester", "designer",
    "strategist", "coordinator", "validator", "debugger", "profiler",
    "librarian", "editor", "scout", "steward", "advisor", "maintainer",
    "operator", "researcher",
]
VERBS = [
    "generate", "review", "check", "audit", "plan", "run", "sync", "deploy",
    "migrate", "analyze", "draft", "refresh", "validate", "triage",
    "summarize", "scaffold", "bench", "lint", "trace", "import", "export",
    "report", "estimate", "bootstrap", "archive", "compare", "prune",
]
OBJECTS = [
    "tests", "docs", "changelog", "release", "schema", "api-spec", "deps",
    "coverage", "backlog", "risks", "budget", "roadmap", "incident",
    "runbook", "metrics", "dashboards", "fixtures", "migration", "config",
    "secrets", "licenses", "sprint", "retro", "requirements", "architecture",
    "threat-model", "citations", "sources", "assets", "campaign", "brief",
    "calendar", "playlist", "catalogue", "translations", "benchmarks",
    "alerts", "feature-flags", "sbom", "adr",
]
SKILL_NOUNS = [
    "checklist", "audit", "patterns", "playbook", "analysis", "toolkit",
    "review", "guide", "scoring", "extraction", "formatting", "conventions",
    "triage", "profiling", "templates", "heuristics", "inventory",
]
RULE_NOUNS = [
    "conventions", "standards", "guidelines", "policy", "style", "safety",
    "hygiene", "limits", "naming", "checklist", "boundaries", "etiquette",
]
ACRONYMS = {
    "api": "API", "ml": "ML", "ux": "UX", "ci": "CI", "sre": "SRE",
    "seo": "SEO", "llm": "LLM", "sbom": "SBOM", "adr": "ADR", "qa": "QA",
    "graphql": "GraphQL", "i18n": "i18n",
}

ARTIFACTS = [
    "test plan", "design note", "runbook", "migration script",
    "changelog entry", "pull request description", "risk register",
    "dashboard", "decision record", "release checklist", "incident timeline",
    "capacity estimate", "API contract", "style guide", "onboarding page",
    "postmortem", "rollout plan", "data dictionary", "threat model",
    "benchmark report",
]
PLACES = [
    "the payments service", "the API gateway", "the build pipeline",
    "the mobile client", "the search index", "the reporting database",
    "the authentication flow", "the job queue", "the public docs site",
    "the admin console", "the event stream", "the billing worker",
    "the recommendation model", "the CDN configuration",
    "the feature-flag service", "the import pipeline",
]
TOOLS_CLI = [
    "git", "make", "pytest", "npm", "terraform", "kubectl", "docker",
    "eslint", "cargo", "go", "psql", "jq", "rg", "gh",
]
METRICS = [
    "p95 latency", "error rate", "build time", "line coverage",
    "bundle size", "cold-start time", "queue depth", "cache hit ratio",
    "cost per request", "time to first byte", "flaky-test count",
    "mean time to recovery",
]
ADJS = [
    "small", "reversible", "observable", "boring", "explicit", "measurable",
    "well-tested", "incremental", "documented", "isolated",
]

SENTENCES = [
    "Start by reading the current {artifact} for {place} so you know what was already decided.",
    "Keep every change {adj}; a reviewer should understand it in one sitting.",
    "When {metric} moves by more than {n} percent, stop and find out why before continuing.",
    "Prefer the existing conventions in {place} over your own preferences, even when they look dated.",
    "Write down each assumption you make, and mark the ones you could not verify.",
    "If the request is ambiguous, ask one precise question instead of guessing.",
    "Use `{cli}` output as evidence and quote the relevant lines rather than paraphrasing them.",
    "A {artifact} that nobody reads is worse than none, so keep it short and current.",
    "Changes to {place} need a second reviewer because mistakes there are expensive to undo.",
    "Report what you checked as well as what you found; silence about scope is easy to misread.",
    "Measure {metric} before and after, on the same hardware and with the same data.",
    "Do not widen the scope of the task without saying so explicitly in your summary.",
    "Link each finding to the file and line it concerns so the owner can act on it quickly.",
    "Treat warnings from `{cli}` as errors in this project unless the {artifact} says otherwise.",
    "The goal is a {adj} result that another engineer can pick up tomorrow without a handover.",
    "Leave the code you touch a little clearer than you found it, but keep unrelated clean-ups out of the diff.",
    "Group related findings together and put the most severe ones first.",
    "When two sources disagree, trust the one that is tested, then the one that is newer.",
    "Every recommendation should name an owner and a rough size: hours, days or weeks.",
    "If {place} has no {artifact} yet, draft one and flag it for review instead of skipping the step.",
    "Avoid vague words such as robust or seamless; say what load, what failure, what limit.",
    "Keep secrets, tokens and personal data out of logs, examples and screenshots.",
    "Run the checks locally before you ask anyone else to look at the change.",
    "Name things after what they do for the user, not after how they are implemented.",
    "A short summary at the top saves the reader from hunting through the details.",
    "Prefer deleting a feature flag to adding a new one when the rollout is complete.",
    "Estimate the blast radius: which users, which regions, which data would be affected.",
    "Close the loop by updating the {artifact} once the work has landed.",
    "Check the dependency graph before moving code between modules in {place}.",
    "When a step fails, capture the exact command, its exit status and the first error line.",
]
BULLETS = [
    "the {artifact} for {place}, if one exists",
    "recent changes to {place} (last {n} commits)",
    "{metric} for the last {n} days",
    "open issues labelled `{domain}`",
    "the owners listed in `CODEOWNERS` for the touched paths",
    "results of `{cli}` on the changed files",
    "a rollback plan that has been tried at least once",
    "one example of the expected output",
    "the assumptions you relied on and how to check them",
    "links to the decisions that constrain the design",
    "a note on what you deliberately left out",
    "the {adj} option, even if it is not the fastest",
    "failure modes and how each one would be noticed",
    "who needs to be told before the change ships",
    "the smallest test that would have caught the problem",
]
STEPS = [
    "Read the request and restate it in one sentence.",
    "Collect the inputs listed above and note anything missing.",
    "Inspect {place} with `{cli}` and record what you see.",
    "Draft the {artifact} and keep it under {lines} lines.",
    "Compare {metric} against the agreed threshold.",
    "List the options, with one line of cost and benefit each.",
    "Pick one option and explain the choice in two sentences.",
    "Make the change in {adj} steps, checking after each one.",
    "Run the project's checks and fix anything you broke.",
    "Write the summary for the reviewer, newest findings first.",
    "Hand over open questions to the owner of {place}.",
    "Update the {artifact} so the next person starts from the truth.",
]
SECTIONS_AGENT = [
    "Responsibilities", "Workflow", "Inputs", "Output format", "Quality bar",
    "Escalation", "Examples", "Anti-patterns", "Collaboration", "Checklist",
    "Constraints", "Handover", "Communication style", "Edge cases",
]
SECTIONS_COMMAND = [
    "Steps", "Options", "Output", "Examples", "Notes", "Failure handling",
    "Preconditions", "Afterwards",
]
SECTIONS_SKILL = [
    "When to use", "Procedure", "Inputs", "Output", "Pitfalls", "Examples",
    "Scripts", "References", "Limits",
]
SECTIONS_RULE = [
    "Scope", "Requirements", "Exceptions", "Rationale", "Examples",
    "Review checklist", "Enforcement", "Common mistakes", "Related rules",
]
NONARTIFACT_NAMES = [
    "agent-template.md", "DEVELOPMENT_GUIDE.md", "openai-compat.md",
    "factory-compat.md", "windsurf-compat.md",
]

READ_ONLY_TOOLS = ["Read", "Grep", "Glob", "WebFetch", "WebSearch", "LS"]
WRITE_TOOLS = ["Write", "Edit", "MultiEdit", "Bash"]
OTHER_TOOLS = ["Task", "TodoWrite", "NotebookEdit"]
MODELS = [("sonnet", 50), ("opus", 20), ("haiku", 15), ("inherit", 10),
          ("claude-sonnet-4-20250514", 3), ("claude-opus-4-1-20250805", 2)]


class Unit:
    def __init__(self, kind, name):
        self.kind = kind            # "frameworks" or "addons"
        self.name = name
        self.rel = "agentic/code/%s/%s" % (kind, name)
        self.templates = []         # file names under templates/
        self.docs = []              # file names under docs/
        self.agents = []
        self.commands = []          # (subdir or "", id)
        self.skills = []
        self.rules = []
        self.rules_index = False


class Gen:
    def __init__(self, args):
        self.a = args
        self.r = random.Random(args.seed)
        self.out = args.out_dir
        self.written = {}           # relative path -> size in bytes
        self.lenient = {"agents": 0, "commands": 0}
        self.used_ids = set()
        self.dirs = set()

    # ---- small helpers -------------------------------------------------

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def chance(self, p):
        return self.r.random() < p

    def weighted(self, pairs):
        total = sum(w for _, w in pairs)
        x = self.r.uniform(0, total)
        for v, w in pairs:
            x -= w
            if x <= 0:
                return v
        return pairs[-1][0]

    def unique(self, make):
        for _ in range(50):
            cand = make()
            if cand not in self.used_ids:
                self.used_ids.add(cand)
                return cand
        base = make()
        n = 2
        while "%s-%d" % (base, n) in self.used_ids:
            n += 1
        cand = "%s-%d" % (base, n)
        self.used_ids.add(cand)
        return cand

    @staticmethod
    def title(ident):
        words = []
        for w in ident.split("-"):
            words.append(ACRONYMS.get(w, w.capitalize()))
        return " ".join(words)

    def write(self, rel, text, mode=None, crlf=False, bom=False):
        path = os.path.join(self.out, rel)
        d = os.path.dirname(path)
        if d not in self.dirs:
            os.makedirs(d, exist_ok=True)
            self.dirs.add(d)
        if crlf:
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        if bom:
            data = b"\xef\xbb\xbf" + data
        with open(path, "wb") as f:
            f.write(data)
        if mode is not None:
            os.chmod(path, mode)
        self.written[rel] = len(data)

    # ---- text ----------------------------------------------------------

    def fill(self, tmpl, domain):
        return tmpl.format(
            artifact=self.pick(ARTIFACTS), place=self.pick(PLACES),
            cli=self.pick(TOOLS_CLI), metric=self.pick(METRICS),
            adj=self.pick(ADJS), n=self.r.randint(2, 30),
            lines=self.r.randint(15, 80), domain=domain)

    def paragraph(self, domain, lo=2, hi=5):
        return " ".join(self.fill(s, domain)
                        for s in self.r.sample(SENTENCES, self.r.randint(lo, hi)))

    def wrap(self, text, width=78):
        out, line = [], ""
        for w in text.split(" "):
            if line and len(line) + 1 + len(w) > width:
                out.append(line)
                line = w
            else:
                line = w if not line else line + " " + w
        if line:
            out.append(line)
        return "\n".join(out)

    def bullets(self, domain):
        items = self.r.sample(BULLETS, self.r.randint(3, 6))
        return "\n".join("- " + self.fill(b, domain) for b in items)

    def steps(self, domain):
        items = self.r.sample(STEPS, self.r.randint(3, 7))
        return "\n".join("%d. %s" % (i + 1, self.fill(s, domain))
                         for i, s in enumerate(items))

    def table(self, domain):
        rows = ["| check | threshold | owner |", "|---|---|---|"]
        for _ in range(self.r.randint(2, 5)):
            rows.append("| %s | %d%% | %s |" % (
                self.pick(METRICS), self.r.randint(1, 99),
                self.title(domain + "-" + self.pick(ROLES))))
        return "\n".join(rows)

    def code_block(self, domain, ref=None):
        k = self.r.randrange(4)
        if k == 0:
            body = "%s status\n%s %s --check\n" % (
                self.pick(TOOLS_CLI), self.pick(TOOLS_CLI), domain)
            lang = "bash"
        elif k == 1:
            body = json.dumps({"area": domain, "metric": self.pick(METRICS),
                               "threshold": self.r.randint(1, 500),
                               "owner": domain + "-team"}, indent=2) + "\n"
            lang = "json"
        elif k == 2:
            body = "%s:\n  enabled: true\n  max_items: %d\n  notify: [%s-oncall]\n" % (
                domain, self.r.randint(5, 200), domain)
            lang = "yaml"
        else:
            body = "Summary: %s\nFindings: %d\nNext step: %s\n" % (
                self.pick(ARTIFACTS), self.r.randint(0, 12),
                self.fill(self.pick(STEPS), domain))
            lang = "text"
        if ref:
            body += "See: %s\n" % ref
        return "```%s\n%s```" % (lang, body)

    def section(self, heading, domain, refs, level="##"):
        parts = [level + " " + heading, ""]
        for _ in range(self.r.randint(1, 3)):
            k = self.r.randrange(10)
            if k < 4:
                p = self.paragraph(domain)
                if refs and self.chance(0.35):
                    p += " " + self.ref_sentence(refs.pop())
                parts.append(self.wrap(p))
            elif k < 6:
                parts.append(self.bullets(domain))
            elif k < 8:
                parts.append(self.steps(domain))
            elif k < 9:
                ref = refs.pop() if refs and self.chance(0.5) else None
                parts.append(self.code_block(domain, ref))
            else:
                parts.append(self.table(domain))
            parts.append("")
        return "\n".join(parts)

    def ref_sentence(self, ref):
        if ref.startswith("@.claude/agents/"):
            return self.pick([
                "Hand related work to %s when it comes up.",
                "Ask %s for a second opinion on anything risky.",
                "Coordinate with %s before changing shared files.",
            ]) % ref
        t = self.r.randrange(6)
        if t == 0:
            return "Start from %s." % ref
        if t == 1:
            return "The expected layout is in %s, so follow it." % ref
        if t == 2:
            return "For detail, read %s before you begin." % ref
        if t == 3:
            return "Keep %s open while you work; it lists what reviewers look for." % ref
        if t == 4:
            return "Quote the path `%s` exactly when you cite it." % ref
        return "Background: %s" % ref

    def body(self, title, domain, headings, target, refs, intro_lo=2):
        parts = ["# " + title, "", self.wrap(self.paragraph(domain, intro_lo, 5)), ""]
        size = sum(len(p) + 1 for p in parts)
        order = list(headings)
        self.r.shuffle(order)
        i = 0
        while size < target:
            h = order[i % len(order)]
            if i >= len(order):
                h = "%s (%d)" % (h, i // len(order) + 1)
            s = self.section(h, domain, refs)
            parts.append(s)
            size += len(s) + 1
            i += 1
        for ref in refs:
            parts.append(self.wrap(self.ref_sentence(ref)) + "\n")
        return "\n".join(parts).rstrip("\n") + "\n"

    # ---- references ----------------------------------------------------

    def make_refs(self, unit, lo, hi):
        refs = []
        for _ in range(self.r.randint(lo, hi)):
            k = self.r.randrange(9)
            u = unit if self.chance(0.7) else self.pick(self.units)
            if k <= 1 and u.templates:
                refs.append("@%s/templates/%s" % (u.rel, self.pick(u.templates)))
            elif k == 2 and u.docs:
                refs.append("$AIWG_ROOT/%s/docs/%s" % (u.rel, self.pick(u.docs)))
            elif k == 3 and u.docs:
                refs.append("{AIWG_ROOT}/%s/docs/%s" % (u.rel, self.pick(u.docs)))
            elif k == 4 and u.templates:
                refs.append("~/.local/share/ai-writing-guide/%s/templates/%s"
                            % (u.rel, self.pick(u.templates)))
            elif k == 5:
                refs.append("@%s/templates/legacy-%s.md"
                            % (u.rel, self.pick(ARTIFACTS).replace(" ", "-").lower()))
            elif k == 6 and self.all_agents:
                refs.append("@.claude/agents/%s.md" % self.pick(self.all_agents))
            elif k == 7 and self.all_commands:
                refs.append("@.claude/commands/%s.md" % self.pick(self.all_commands))
            elif self.all_skills:
                refs.append("@.claude/skills/%s/SKILL.md" % self.pick(self.all_skills))
        return refs

    # ---- planning ------------------------------------------------------

    def allocate(self, total, weights):
        s = sum(weights)
        raw = [total * w / s for w in weights]
        base = [int(x) for x in raw]
        rest = total - sum(base)
        order = sorted(range(len(raw)), key=lambda i: (base[i] - raw[i], i))
        for i in order[:rest]:
            base[i] += 1
        return base

    def plan(self):
        a = self.a
        self.units = []
        for i in range(a.frameworks):
            name = FRAMEWORK_NAMES[i] if i < len(FRAMEWORK_NAMES) else "framework-%02d" % (i + 1)
            self.units.append(Unit("frameworks", name))
        for i in range(a.addons):
            name = ADDON_NAMES[i] if i < len(ADDON_NAMES) else "addon-%02d" % (i + 1)
            self.units.append(Unit("addons", name))
        weights = [self.r.uniform(2.0, 5.0) if u.kind == "frameworks"
                   else self.r.uniform(0.5, 1.5) for u in self.units]
        n_agents = self.allocate(a.agents, weights)
        n_commands = self.allocate(a.commands, weights)
        n_skills = self.allocate(a.skills, weights)

        # One RULES-INDEX.md in the first framework (as in real trees), when
        # there is another unit to carry the rest of the rules.
        rules_total = a.rules
        self.index_unit = None
        if len(self.units) >= 2 and a.rules >= 2 and a.frameworks >= 1:
            self.index_unit = self.units[0]
            self.index_unit.rules_index = True
            rules_total -= 1
            rw = [0.0] + weights[1:]
        else:
            rw = weights
        n_rules = self.allocate(rules_total, rw)

        for u in self.units:
            for _ in range(self.r.randint(2, 5)):
                u.templates.append(self.pick(ARTIFACTS).replace(" ", "-").lower() + ".md")
            u.templates = sorted(set(u.templates))
            for _ in range(self.r.randint(1, 3)):
                u.docs.append(self.pick(DOMAINS) + "-" + self.pick(["overview", "faq", "glossary", "principles"]) + ".md")
            u.docs = sorted(set(u.docs))

        for u, na, nc, ns, nr in zip(self.units, n_agents, n_commands, n_skills, n_rules):
            u.agents = [self.unique(lambda: self.pick(DOMAINS) + "-" + self.pick(ROLES))
                        for _ in range(na)]
            subdirs = ["flow"] + self.r.sample(["ops", "sdlc", "research", "content", "flow/gates", "maint/deps"], 2)
            for _ in range(nc):
                if self.chance(0.25):
                    sub = self.pick(subdirs)
                    prefix = "flow-" if sub.startswith("flow") else ""
                    cid = self.unique(lambda: prefix + self.pick(VERBS) + "-" + self.pick(OBJECTS))
                    u.commands.append((sub, cid))
                else:
                    u.commands.append(("", self.unique(lambda: self.pick(VERBS) + "-" + self.pick(OBJECTS))))
            u.skills = [self.unique(lambda: self.pick(DOMAINS) + "-" + self.pick(SKILL_NOUNS))
                        for _ in range(ns)]
            u.rules = [self.unique(lambda: self.pick(DOMAINS) + "-" + self.pick(RULE_NOUNS))
                       for _ in range(nr)]
        self.all_agents = [x for u in self.units for x in u.agents]
        self.all_commands = [c for u in self.units for _, c in u.commands]
        self.all_skills = [x for u in self.units for x in u.skills]

    # ---- frontmatter ---------------------------------------------------

    def description(self, ident, kind):
        if kind == "command":
            words = ident.split("-")
            if words[0] == "flow":
                words = words[1:]
            verb = words[0].capitalize()
            obj = " ".join(ACRONYMS.get(w, w) for w in words[1:])
            return self.pick([
                "%s %s for the given target and summarise the result",
                "%s the project's %s and list anything that needs attention",
                "%s %s, then report what changed and what is left to do",
                "%s %s on the current branch without touching unrelated files",
            ]) % (verb, obj)
        domain = ident.split("-")[0]
        subject = self.title(domain) if domain in ACRONYMS else domain
        what = {
            "agent": [
                "Reviews %s changes for correctness, risk and missing tests, and reports findings by severity.",
                "Plans and carries out %s work in small reversible steps, with a summary for the reviewer.",
                "Owns the %s area end to end and keeps its documentation and checks current.",
                "Investigates %s problems, finds the root cause and proposes the smallest safe fix.",
                "Advises on %s trade-offs and records each decision so that it can be revisited.",
            ],
            "skill": [
                "Apply the team's %s procedure to a change and report what needs attention.",
                "Collect and score %s evidence, then list the items worth fixing first.",
                "Step-by-step %s method with scripts and references for repeatable results.",
            ],
        }[kind]
        return self.pick(what) % subject

    def tools_value(self, read_only):
        if read_only:
            tools = ["Read"] + self.r.sample(READ_ONLY_TOOLS[1:], self.r.randint(1, 3))
        else:
            tools = ["Read"] + self.r.sample(WRITE_TOOLS, self.r.randint(1, 4))
            tools += self.r.sample(READ_ONLY_TOOLS[1:], self.r.randint(0, 3))
            if self.chance(0.3):
                tools += self.r.sample(OTHER_TOOLS, self.r.randint(1, 2))
        return tools

    def yaml_tools(self, key, tools):
        style = self.r.randrange(20)
        if style < 9:
            return "%s: %s" % (key, ", ".join(tools))
        if style < 16:
            return "%s:\n%s" % (key, "\n".join("  - " + t for t in tools))
        if style < 19:
            return "%s: [%s]" % (key, ", ".join(tools))
        return '%s: "%s"' % (key, ", ".join(tools))

    def agent_frontmatter(self, ident):
        lines = []
        lenient = self.chance(0.03)
        desc = self.description(ident, "agent")
        nm = self.r.randrange(20)
        if nm < 16:
            lines.append("name: %s" % self.title(ident))
        elif nm < 19:
            lines.append("name: %s" % ident)
        # lenient-only frontmatter, in the shapes real trees have: unescaped
        # quotes inside a quoted value, text after the closing quote, or two
        # flow sequences side by side in tools
        variant = self.r.randrange(3) if lenient else -1
        if variant == 0:
            words = desc.split(" ")
            j = self.r.randrange(1, len(words) - 1)
            words[j] = '"%s"' % words[j]
            lines.append('description: "%s"' % " ".join(words))
        elif variant == 1:
            lines.append('description: "%s" for release branches' % desc.rstrip("."))
        elif variant == 2:
            lines.append("description: %s" % desc)
        else:
            ds = self.r.randrange(20)
            if ds < 16:
                lines.append("description: %s" % desc)
            elif ds < 18:
                lines.append('description: "%s"' % desc)
            else:
                lines.append("description: >-\n  %s" % self.wrap(desc, 70).replace("\n", "\n  "))
        lines.append("model: %s" % self.weighted(MODELS))
        read_only = self.chance(0.15)
        if variant == 2 or not self.chance(0.03):
            tools = self.tools_value(read_only)
            if variant == 2:
                lines.append("tools: [%s] [%s]" % (", ".join(tools[:-1]), tools[-1]))
            else:
                lines.append(self.yaml_tools("tools", tools))
        if self.chance(0.3):
            lines.append("category: %s" % self.pick(["engineering", "quality", "operations", "architecture", "writing", "research", "coordination"]))
        if self.chance(0.1):
            lines.append("memory: %s" % self.pick(["project", "user", "local"]))
        if self.chance(0.04):
            lines.append("orchestration: true")
        if self.chance(0.03):
            lines.append(self.yaml_tools("allowed-tools", ["Read", "Grep", "Bash(git diff:*)"]))
        return "---\n%s\n---\n" % "\n".join(lines), lenient

    def command_frontmatter(self, ident):
        lines = []
        lenient = self.chance(0.01)
        desc = self.description(ident, "command")
        if lenient:
            lines.append('description: "%s" then stop' % desc)
        else:
            lines.append("description: %s" % desc)
        if self.chance(0.75):
            hint = self.pick(["<path>", "<target> [--dry-run]", "[--verbose]",
                              "<issue-number>", "[scope]", "<from> <to>",
                              "<file> [--fix]", "[branch] [--since DATE]"])
            if hint.startswith("["):
                hint = '"%s"' % hint
            lines.append("argument-hint: %s" % hint)
        if self.chance(0.8):
            tools = self.tools_value(self.chance(0.3))
            if self.chance(0.3):
                tools.append("Bash(%s:*)" % self.pick(TOOLS_CLI))
            if self.chance(0.85):
                lines.append("allowed-tools: %s" % ", ".join(tools))
            else:
                lines.append(self.yaml_tools("allowed-tools", tools))
        if self.chance(0.4):
            lines.append("model: %s" % self.weighted(MODELS[:3]))
        if self.chance(0.2):
            lines.append("category: %s" % self.pick(["sdlc", "docs", "ops", "quality", "research"]))
        if self.chance(0.05):
            lines.append("arguments:\n  - name: target\n    description: what to run against\n    required: true")
        return "---\n%s\n---\n" % "\n".join(lines), lenient

    # ---- writers -------------------------------------------------------

    def size(self, lo, hi, mode):
        return int(self.r.triangular(lo, hi, mode))

    def gen_agent(self, u, ident):
        fm, lenient = self.agent_frontmatter(ident)
        if lenient:
            self.lenient["agents"] += 1
        domain = ident.split("-")[0]
        target = self.size(2048, 12288, 4500) - len(fm)
        refs = self.make_refs(u, 1, 4)
        text = fm + "\n" + self.body(self.title(ident), domain, SECTIONS_AGENT, target, refs)
        self.write("%s/agents/%s.md" % (u.rel, ident), text,
                   crlf=self.chance(0.01), bom=self.chance(0.005))

    def gen_command(self, u, sub, ident):
        domain = ident.replace("flow-", "").split("-")[-1]
        if self.chance(0.04):
            fm, lenient = "", False
        else:
            fm, lenient = self.command_frontmatter(ident)
        if lenient:
            self.lenient["commands"] += 1
        if self.chance(0.01):
            target = self.size(12500, 15000, 13000)
        else:
            target = self.size(1024, 6144, 2000)
        target -= len(fm)
        refs = self.make_refs(u, 0, 3)
        intro = self.pick([
            "Run this for: $ARGUMENTS",
            "Target: $ARGUMENTS",
            "Work on the item given in $ARGUMENTS. If it is empty, ask which one.",
            "Arguments: `$ARGUMENTS`",
        ])
        b = self.body(self.title(ident), domain, SECTIONS_COMMAND, target, refs, 1)
        head, rest = b.split("\n", 1)
        text = fm + ("\n" if fm else "") + head + "\n\n" + intro + "\n" + rest
        path = "%s/commands/%s%s.md" % (u.rel, sub + "/" if sub else "", ident)
        self.write(path, text, crlf=self.chance(0.01))

    def gen_skill(self, u, ident, folder):
        domain = ident.split("-")[0]
        kind = self.r.randrange(20)
        desc = self.description(ident, "skill")
        if kind < 14:
            fm = "---\nname: %s\ndescription: %s\n" % (ident, desc)
            if self.chance(0.02):
                # over the 1024-character limit of the Agent Skills format
                long_desc = " ".join([desc] + [self.paragraph(domain, 3, 3) for _ in range(5)])
                fm = "---\nname: %s\ndescription: %s\n" % (ident, json.dumps(long_desc[:1200]))
            if self.chance(0.4):
                fm += "version: %d.%d.%d\n" % (self.r.randint(0, 3), self.r.randint(0, 9), self.r.randint(0, 9))
            if self.chance(0.3):
                fm += self.yaml_tools("tools", self.tools_value(self.chance(0.4))) + "\n"
            fm += "---\n\n"
            intro_lo = 2
        elif kind < 17:
            fm = ""
            intro_lo = 2
        else:
            fm = "---\nname: %s\nversion: 1.%d.0\n---\n\n" % (ident, self.r.randint(0, 9))
            intro_lo = 2
        refs = self.make_refs(u, 0, 2)
        target = self.size(1024, 6144, 2500) - len(fm)
        b = self.body(self.title(ident), domain, SECTIONS_SKILL, target, refs, intro_lo)
        if kind >= 17:
            b = b.split("\n", 2)[2]      # drop the title: body opens with the paragraph
        base = "%s/skills/%s" % (u.rel, folder)
        self.write(base + "/SKILL.md", fm + b)
        for _ in range(self.r.randint(1, 4)):
            k = self.r.randrange(5)
            if k <= 1:
                name = "references/%s.md" % self.pick(ARTIFACTS).replace(" ", "-").lower()
                self.write("%s/%s" % (base, name), "# %s\n\n%s\n\n%s\n" % (
                    self.title(name[11:-3]), self.wrap(self.paragraph(domain, 3, 8)),
                    self.bullets(domain)))
            elif k == 2:
                name = "scripts/%s.sh" % self.pick(VERBS)
                self.write("%s/%s" % (base, name), self.script(domain), mode=0o755)
            elif k == 3:
                name = "assets/%s.json" % self.pick(["config", "schema", "thresholds", "labels"])
                self.write("%s/%s" % (base, name), json.dumps({
                    "skill": ident, "version": 1,
                    "thresholds": {m.replace(" ", "_"): self.r.randint(1, 100)
                                   for m in self.r.sample(METRICS, 3)},
                    "labels": self.r.sample(DOMAINS, 4)}, indent=2, sort_keys=True) + "\n")
            else:
                name = "templates/%s.md" % self.pick(["report", "summary", "finding"])
                self.write("%s/%s" % (base, name), "# %s: <title>\n\n## Findings\n\n## Next steps\n"
                           % self.title(ident))

    def script(self, domain):
        cli = self.pick(TOOLS_CLI)
        return ("#!/bin/sh\n# Helper for the %s skill: collect evidence for the report.\n"
                "set -eu\n\ntarget=${1:-.}\n"
                "command -v %s >/dev/null 2>&1 || { echo \"missing: %s\" >&2; exit 2; }\n"
                "find \"$target\" -type f -name '*.%s' | sort | head -n %d\n"
                "%s --version\n") % (domain, cli, cli,
                                     self.pick(["md", "py", "ts", "go", "yaml", "json"]),
                                     self.r.randint(20, 500), cli)

    def gen_rule(self, u, ident, path=None):
        domain = ident.split("-")[0]
        fm = ""
        if self.chance(0.4):
            globs = self.r.sample([
                "src/**/*.ts", "src/**/*.py", "**/*.go", "docs/**/*.md",
                "migrations/**", "infra/**/*.tf", "**/*.test.*", "api/**",
                "README.md", ".github/workflows/*.yml", "packages/*/src/**",
                "**/*.sql", "charts/**/values.yaml", "web/**/*.tsx",
            ], self.r.randint(1, 4))
            if self.chance(0.8):
                fm = "---\npaths:\n%s\n---\n\n" % "\n".join('  - "%s"' % g for g in globs)
            else:
                fm = "---\npaths: [%s]\n---\n\n" % ", ".join('"%s"' % g for g in globs)
        target = self.size(1024, 8192, 2500) - len(fm)
        refs = self.make_refs(u, 0, 2)
        b = self.body(self.title(ident), domain, SECTIONS_RULE, target, refs)
        self.write(path or "%s/rules/%s.md" % (u.rel, ident), fm + b,
                   crlf=self.chance(0.01))

    def gen_rules_index(self, u):
        details = [self.pick(DOMAINS) + "-" + self.pick(RULE_NOUNS) for _ in range(self.r.randint(3, 6))]
        details = sorted(set(details))
        lines = ["# %s rules index" % self.title(u.name), "",
                 self.wrap("Every agent of this framework follows the rules below. "
                           "Each has a detail file next to this index; only the index is loaded."),
                 ""]
        for d in details:
            lines.append("## %s" % self.title(d))
            lines.append("")
            lines.append(self.wrap(self.paragraph(d.split("-")[0], 2, 4)))
            lines.append("")
            lines.append("Detail: @%s/rules/%s.md" % (u.rel, d))
            lines.append("")
            self.gen_rule(u, d, "%s/rules/%s.md" % (u.rel, d))
        self.write("%s/rules/RULES-INDEX.md" % u.rel, "\n".join(lines))

    def gen_unit_extras(self, u, idx):
        title = self.title(u.name)
        for t in u.templates:
            self.write("%s/templates/%s" % (u.rel, t), "# %s: <name>\n\n## Summary\n\n## Details\n\n%s\n\n## Sign-off\n\n| role | name | date |\n|---|---|---|\n"
                       % (self.title(t[:-3]), self.bullets(u.name.split("-")[0])))
        for d in u.docs:
            self.write("%s/docs/%s" % (u.rel, d), "# %s\n\n%s\n\n%s\n" % (
                self.title(d[:-3]), self.wrap(self.paragraph(d.split("-")[0], 4, 8)),
                self.wrap(self.paragraph(d.split("-")[0], 3, 6))))
        if self.chance(0.7) or idx == 0:
            self.write("%s/README.md" % u.rel, "# %s\n\n%s\n\n- %d agents\n- %d commands\n- %d skills\n- %d rules\n" % (
                title, self.wrap(self.paragraph(u.name.split("-")[0], 3, 5)),
                len(u.agents), len(u.commands), len(u.skills),
                1 if u.rules_index else len(u.rules)))
        if self.chance(0.5) or idx == 0:
            self.write("%s/manifest.md" % u.rel, "# Manifest: %s\n\n| field | value |\n|---|---|\n| kind | %s |\n| version | %d.%d.%d |\n"
                       % (u.name, u.kind[:-1], self.r.randint(0, 3), self.r.randint(0, 20), self.r.randint(0, 9)))
        if self.chance(0.3):
            self.write("%s/agents/README.md" % u.rel, "# Agents\n\nOne file per agent. This README is not an agent.\n")
        if idx < len(NONARTIFACT_NAMES):
            folder = "commands" if NONARTIFACT_NAMES[idx] == "DEVELOPMENT_GUIDE.md" else "agents"
            self.write("%s/%s/%s" % (u.rel, folder, NONARTIFACT_NAMES[idx]),
                       "# %s\n\n%s\n" % (NONARTIFACT_NAMES[idx][:-3],
                                         self.wrap(self.paragraph("docs", 3, 6))))
        # command templates that a scanner must skip
        if idx % 2 == 0 and u.commands:
            for name in self.r.sample(["command-template.md", "new-command.md", "flow-template.md"], self.r.randint(1, 3)):
                self.write("%s/commands/templates/%s" % (u.rel, name),
                           "---\ndescription: <one line>\nargument-hint: <args>\n---\n\nTemplate body using $ARGUMENTS.\n")
        if idx == 1 and u.commands:
            self.write("%s/commands/flow/templates/flow-step.md" % u.rel,
                       "---\ndescription: <step>\n---\n\nNot a command: a template for flow steps.\n")
        # skill folders without SKILL.md
        if u.skills and self.chance(0.5):
            self.write("%s/skills/_shared/formatting.md" % u.rel,
                       "# Shared formatting\n\nUsed by several skills; this folder is not a skill.\n")
        if idx == 0 and u.skills:
            self.write("%s/skills/draft-ideas/skill.md" % u.rel,
                       "# Draft ideas\n\nLower-case skill.md: not a skill until renamed to SKILL.md.\n")
        if idx == 0:
            self.write("%s/schemas/agent.schema.json" % u.rel, json.dumps({
                "type": "object", "required": ["name", "description"],
                "properties": {"name": {"type": "string"}, "description": {"type": "string"},
                               "model": {"type": "string"}}}, indent=2) + "\n")

    def run(self):
        self.plan()
        odd_skill = 0
        for idx, u in enumerate(self.units):
            self.gen_unit_extras(u, idx)
            for ident in u.agents:
                self.gen_agent(u, ident)
            for sub, ident in u.commands:
                self.gen_command(u, sub, ident)
            for ident in u.skills:
                folder = ident
                # a few folder names that are not valid skill names (they
                # normalize back to the id, which is unique)
                if self.chance(0.02):
                    folder = "_".join(w.capitalize() for w in ident.split("-"))
                    odd_skill += 1
                self.gen_skill(u, ident, folder)
            if u.rules_index:
                self.gen_rules_index(u)
            for ident in u.rules:
                self.gen_rule(u, ident)
        n_rules = sum(len(u.rules) for u in self.units) + (1 if self.index_unit else 0)
        print("gen-corpus: %d agents, %d commands, %d skills, %d rules in %d units "
              "(%d frameworks, %d addons); %d files, %.1f MiB; lenient frontmatter: "
              "%d agents, %d commands; seed %d -> %s" % (
                  len(self.all_agents), len(self.all_commands), len(self.all_skills),
                  n_rules, len(self.units), self.a.frameworks, self.a.addons,
                  len(self.written), sum(self.written.values()) / 1048576.0, self.lenient["agents"],
                  self.lenient["commands"], self.a.seed, self.out))


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="gen-corpus.py",
        description="Write a large synthetic canonical tree in the AIWG shape "
                    "(agentic/code/frameworks/* and agentic/code/addons/*) for "
                    "aiwgfs benchmarks and stress tests. Output is deterministic "
                    "for a given seed and set of counts. Artifact ids are unique "
                    "across the tree; one framework carries a RULES-INDEX.md "
                    "(counted as one rule) when there are at least two units.")
    p.add_argument("out_dir", metavar="OUT_DIR", help="directory to write; must be empty or absent")
    p.add_argument("--agents", type=int, default=300, metavar="N", help="number of agents (default 300)")
    p.add_argument("--commands", type=int, default=300, metavar="N", help="number of commands (default 300)")
    p.add_argument("--skills", type=int, default=100, metavar="N", help="number of skills (default 100)")
    p.add_argument("--rules", type=int, default=40, metavar="N", help="number of rules (default 40)")
    p.add_argument("--frameworks", type=int, default=3, metavar="N", help="number of frameworks (default 3)")
    p.add_argument("--addons", type=int, default=4, metavar="N", help="number of addons (default 4)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                   help="random seed (default %d)" % DEFAULT_SEED)
    p.add_argument("--force", action="store_true",
                   help="write into a non-empty OUT_DIR (existing files with the same names are overwritten, others are kept)")
    a = p.parse_args(argv)

    for k in ("agents", "commands", "skills", "rules", "frameworks", "addons"):
        if getattr(a, k) < 0:
            p.error("--%s must not be negative" % k)
    if a.frameworks + a.addons == 0 and a.agents + a.commands + a.skills + a.rules > 0:
        p.error("need at least one framework or addon to hold the artifacts")
    if os.path.exists(a.out_dir):
        if not os.path.isdir(a.out_dir):
            p.error("%s exists and is not a directory" % a.out_dir)
        if os.listdir(a.out_dir) and not a.force:
            print("gen-corpus.py: %s is not empty; choose an empty directory or pass --force"
                  % a.out_dir, file=sys.stderr)
            return 2
    try:
        os.makedirs(a.out_dir, exist_ok=True)
        Gen(a).run()
    except OSError as e:
        print("gen-corpus.py: %s" % e, file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
