#!/usr/bin/env python3
"""readme-commands.py SRCDIR — the shell commands of README.md's "Quick
start" and "Building by hand" sections refer only to things that exist:
every repository path they name (scripts/..., build/<preset>), every
--preset is a preset of CMakePresets.json of the kind the command needs,
every -D<VAR> is an option or cache variable the CMake code defines, and
every option of README's option list is one too."""
import json, os, re, sys

src = sys.argv[1]
readme = open(os.path.join(src, "README.md")).read()
presets = json.load(open(os.path.join(src, "CMakePresets.json")))
kinds = {k: {p["name"] for p in presets.get(k, [])} for k in ("configurePresets", "buildPresets", "testPresets")}
cmake_text = ""
for d, _, fs in os.walk(src):
    if "/build" in d or "/.git" in d: continue
    for f in fs:
        if f == "CMakeLists.txt" or f.endswith(".cmake"):
            cmake_text += open(os.path.join(d, f)).read()
defined = set(re.findall(r"option\((\w+)", cmake_text)) | set(re.findall(r"set\((\w+)[^)]*CACHE", cmake_text))
defined |= set(re.findall(r"\bif\((V6_\w+)\)", cmake_text))   # read from -D, e.g. V6_LIBCLANG_ROOT
defined |= {"BUILD_TESTING", "CMAKE_BUILD_TYPE", "CMAKE_INSTALL_PREFIX", "CMAKE_EXPORT_COMPILE_COMMANDS"}

bad, n = [], 0
for sec in ("Quick start", "Building by hand"):
    m = re.search(r"^## %s\n(.*?)(?=^## )" % re.escape(sec), readme, re.S | re.M)
    if not m: bad.append("no section %r" % sec); continue
    body = m.group(1)
    for block in re.findall(r"```sh\n(.*?)```", body, re.S):
        for line in block.splitlines():
            cmd = line.split("#", 1)[0].strip()
            if not cmd: continue
            n += 1
            for tool, kind in (("cmake --build", "buildPresets"), ("ctest", "testPresets"), ("cmake", "configurePresets")):
                for p in re.findall(re.escape(tool) + r"\s+--preset\s+(\S+)", cmd):
                    if p not in kinds[kind]: bad.append("%r: %s preset %r does not exist" % (cmd, kind, p))
            for var in re.findall(r"-D(\w+)=", cmd):
                if var not in defined: bad.append("%r: -D%s is not a CMake option" % (cmd, var))
            for path in re.findall(r"(?:^|[\s(])(\.?/?(?:scripts|build|docs|samples|tests)/[\w./*-]*)", cmd):
                path = path.lstrip("(")
                p = path[2:] if path.startswith("./") else path
                if p.startswith("build/"):
                    pre = p.split("/")[1]
                    if pre not in kinds["configurePresets"]: bad.append("%r: build/%s is no preset's build dir" % (cmd, pre))
                elif "*" not in p and not os.path.exists(os.path.join(src, p)):
                    bad.append("%r: %s does not exist" % (cmd, p))
            m2 = re.match(r"\(?\s*(scripts/\S+|\./scripts/\S+)(.*)", cmd)
            if m2:
                script = os.path.join(src, m2.group(1).lstrip("./") if m2.group(1).startswith("./") else m2.group(1))
                text = open(script).read() if os.path.exists(script) else ""
                for opt in re.findall(r"(--[\w-]+)", m2.group(2)):
                    if opt not in text: bad.append("%r: %s does not know %s" % (cmd, m2.group(1), opt))
# the option list in prose
m = re.search(r"^Options: (.*?)\n\n", readme, re.S | re.M)
for var in re.findall(r"`(V6_\w+|BUILD_TESTING)`", m.group(1) if m else ""):
    if var not in defined: bad.append("option list: %s is not a CMake option" % var)
for b in bad: print("FAIL: " + b)
print("%s %d commands checked" % ("FAIL:" if bad else "ok  ", n))
sys.exit(1 if bad or n == 0 else 0)
