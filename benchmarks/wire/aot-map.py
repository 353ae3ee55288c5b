#!/usr/bin/env python3
"""aot-map.py MAP_XML [ILC_RSP] -- what a Native AOT binary is made of, per assembly.

Reads the linker map written by `dotnet publish -p:IlcGenerateMapFile=true` (obj/.../native/<app>.map.xml)
and sums the Length of every node (method code, GC info, type structures, statics, dictionaries, ...)
by the assembly its mangled name starts with (the assembly names come from <app>.ilc.rsp next to the
map). Generic instantiations count for the assembly of the generic definition; nodes that belong to no
assembly (embedded metadata, reflection maps, frozen strings) are listed by kind. Prints markdown.
"""
import collections, os, re, sys, xml.etree.ElementTree as ET

map_path = sys.argv[1]
rsp = sys.argv[2] if len(sys.argv) > 2 else re.sub(r"\.map\.xml$", ".ilc.rsp", map_path)
assemblies = set()
for line in open(rsp, encoding="utf-8"):
    line = line.strip()
    m = re.match(r"^(?:-r:)?(.+\.dll)$", line)
    if m:
        assemblies.add(os.path.basename(m.group(1))[:-4])
# ILC abbreviates a few runtime assemblies.
prefixes = {a.replace(".", "_"): a for a in assemblies}
prefixes.update({"S_P_CoreLib": "System.Private.CoreLib", "S_P_Reflection_Execution": "System.Private.Reflection.Execution",
                 "S_P_TypeLoader": "System.Private.TypeLoader", "S_P_StackTraceMetadata": "System.Private.StackTraceMetadata",
                 "S_P_Interop": "System.Private.Interop"})
ordered = sorted(prefixes, key=len, reverse=True)
strip = re.compile(r"^(?:_ZTV\d+|__GenericDict_|unbox_|__GCStaticBase_|__NonGCStaticBase_|__ThreadStaticBase_|__GCStaticEEType_|__Str_|__|_)+")

by_asm = collections.Counter()
by_kind = collections.Counter()
total = 0
for _, el in ET.iterparse(map_path):
    length = el.get("Length")
    name = el.get("Name")
    if length is None or name is None:
        el.clear()
        continue
    n = int(length)
    total += n
    bare = strip.sub("", name)
    for p in ordered:
        if bare.startswith(p + "_") or bare == p:
            by_asm[prefixes[p]] += n
            break
    else:
        by_kind[el.tag] += n
    el.clear()

print(f"Map: {map_path}\n\nNodes total: {total:,} bytes ({total / 1048576:.2f} MiB; the binary adds headers, relocations and native runtime code).\n")
print("| assembly | bytes | MiB | share |\n|---|---:|---:|---:|")
for asm, n in by_asm.most_common(40):
    print(f"| {asm} | {n:,} | {n / 1048576:.2f} | {100 * n / total:.1f}% |")
print("\n| not attributed to an assembly (node kind) | bytes | MiB |\n|---|---:|---:|")
for kind, n in by_kind.most_common(12):
    print(f"| {kind} | {n:,} | {n / 1048576:.2f} |")
