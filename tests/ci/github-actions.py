#!/usr/bin/env python3
"""github-actions.py SRCDIR WORKFLOW — runs the workflow's `run:` steps as
written, offline, in a copy of SRCDIR's tracked files: every step but those
that install packages (apt-get: network). `${{ steps.X.outputs.Y }}` is
replaced by what step X wrote to $GITHUB_OUTPUT. Then the file upload-sarif
is given must be a SARIF 2.1.0 log with one run of v6scan."""
import json, os, re, shutil, subprocess, sys, tempfile

src, wf = sys.argv[1], sys.argv[2]
import yaml
doc = yaml.safe_load(open(wf))
fails = []
with tempfile.TemporaryDirectory() as tmp:
    work = os.path.join(tmp, "repo")
    files = subprocess.run(["git", "-C", src, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           check=True, capture_output=True).stdout.split(b"\0")
    for f in files:
        if not f: continue
        f = f.decode()
        if not os.path.isfile(os.path.join(src, f)): continue
        os.makedirs(os.path.dirname(os.path.join(work, f)) or work, exist_ok=True)
        shutil.copy2(os.path.join(src, f), os.path.join(work, f))
    outputs = {}
    for job, spec in doc["jobs"].items():
        for step in spec["steps"]:
            name = step.get("name", step.get("uses", "?"))
            if "run" not in step:
                if "upload-sarif" in step.get("uses", ""):
                    sarif = os.path.join(work, step["with"]["sarif_file"])
                    try:
                        log = json.load(open(sarif))
                        assert log["version"] == "2.1.0" and log["runs"][0]["tool"]["driver"]["name"] == "v6scan"
                        print("ok   %s: %s is a v6scan SARIF 2.1.0 log" % (name, step["with"]["sarif_file"]))
                    except Exception as e:
                        fails.append("%s: %s: %r" % (name, sarif, e))
                continue
            script = step["run"]
            if "apt-get" in script:
                print("skip %s (needs the network)" % name); continue
            script = re.sub(r"\$\{\{\s*steps\.(\w+)\.outputs\.(\w+)\s*\}\}",
                            lambda m: outputs.get(m.group(1), {}).get(m.group(2), ""), script)
            out = os.path.join(tmp, "out-%s" % step.get("id", "x"))
            open(out, "w").close()
            env = dict(os.environ, GITHUB_OUTPUT=out, CI="true")
            env.pop("LD_PRELOAD", None)
            r = subprocess.run(["bash", "-e", "-c", script], cwd=work, env=env, capture_output=True, text=True)
            if "id" in step:
                outputs[step["id"]] = dict(l.split("=", 1) for l in open(out).read().splitlines() if "=" in l)
            if r.returncode != 0:
                fails.append("%s: exit %d\n%s%s" % (name, r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
            else:
                print("ok   %s" % name)
for f in fails: print("FAIL: " + f)
sys.exit(1 if fails else 0)
