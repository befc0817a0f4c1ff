#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Offline schema check of Kubernetes manifests (tests/test_kubernetes.sh).

The schema is the Kubernetes API's OpenAPI definitions as Debian's
python3-kubernetes generated them into model classes (kubernetes.client,
each with openapi_types and attribute_map).  For every document of every
FILE:
  - apiVersion and kind name a kind the API group serves (the group's API
    class has a create or replace method for it); kustomize's own
    Kustomization is checked for its resources only (they must exist);
  - every field is one the schema knows, with the schema's type (string,
    integer, boolean, list, map, object), at every depth;
  - the client's own validation accepts it (required fields, enums), by
    deserialising into the model.
Prints one line per document, "FILE: KIND/NAME", or the problems; exits 1
when any document has one, 2 on bad usage.
"""
import datetime
import os
import re
import sys

import yaml

try:
    import kubernetes.client as kc
    from kubernetes.client import ApiClient
except ImportError:
    sys.stderr.write("schema-check: needs python3-kubernetes\n")
    sys.exit(2)


def api_class(api_version):
    """kc.AppsV1Api for apps/v1, kc.CoreV1Api for v1, None if unknown."""
    if "/" in api_version:
        group, version = api_version.split("/", 1)
    else:
        group, version = "core", api_version
    if group.endswith(".k8s.io"):
        group = group[: -len(".k8s.io")]
    camel = "".join(p[:1].upper() + p[1:] for p in re.split(r"[.-]", group))
    return getattr(kc, camel + version[:1].upper() + version[1:] + "Api", None)


def snake(kind):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()


def model_class(api_version, kind):
    version = api_version.split("/")[-1]
    return getattr(kc, version[:1].upper() + version[1:] + kind, None)


def check_value(value, typ, path, errs):
    if value is None:
        return
    if typ.startswith("list["):
        if not isinstance(value, list):
            errs.append("%s: want a list, have %s" % (path, type(value).__name__))
            return
        for i, v in enumerate(value):
            check_value(v, typ[5:-1], "%s[%d]" % (path, i), errs)
    elif typ.startswith("dict("):
        if not isinstance(value, dict):
            errs.append("%s: want a map, have %s" % (path, type(value).__name__))
            return
        inner = typ[5:-1].split(", ", 1)[1]
        for k, v in value.items():
            if not isinstance(k, str):
                errs.append("%s: key %r is not a string" % (path, k))
            check_value(v, inner, "%s.%s" % (path, k), errs)
    elif typ == "str":
        if not isinstance(value, str):
            errs.append("%s: want a string, have %s %r" % (path, type(value).__name__, value))
    elif typ == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            errs.append("%s: want an integer, have %r" % (path, value))
    elif typ == "bool":
        if not isinstance(value, bool):
            errs.append("%s: want true or false, have %r" % (path, value))
    elif typ == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errs.append("%s: want a number, have %r" % (path, value))
    elif typ == "datetime":
        if not isinstance(value, (str, datetime.datetime)):
            errs.append("%s: want a time, have %r" % (path, value))
    elif typ == "object":
        pass  # int-or-string, raw extension: any value
    else:
        klass = getattr(kc, typ, None)
        if klass is None:
            errs.append("%s: schema type %s unknown to this client" % (path, typ))
        elif not isinstance(value, dict):
            errs.append("%s: want an object (%s), have %r" % (path, typ, value))
        else:
            check_object(value, klass, path, errs)


def check_object(obj, klass, path, errs):
    by_json = {j: p for p, j in klass.attribute_map.items()}
    for key, value in obj.items():
        if key not in by_json:
            errs.append("%s: unknown field %r (%s)" % (path, key, klass.__name__))
            continue
        check_value(value, klass.openapi_types[by_json[key]], path + "." + key, errs)


def check_doc(doc, fname):
    errs = []
    if not isinstance(doc, dict):
        return "?", ["not a mapping"]
    av, kind = doc.get("apiVersion"), doc.get("kind")
    name = (doc.get("metadata") or {}).get("name", "?")
    label = "%s/%s" % (kind, name)
    if not isinstance(av, str) or not isinstance(kind, str):
        return label, ["no apiVersion or kind"]
    if av.startswith("kustomize.config.k8s.io/"):
        base = os.path.dirname(fname)
        for r in doc.get("resources") or []:
            if not os.path.exists(os.path.join(base, r)):
                errs.append("resources: %s does not exist" % r)
        return label, errs
    api = api_class(av)
    if api is None:
        return label, ["apiVersion %s: no such API group/version" % av]
    s = snake(kind)
    if not any(hasattr(api, "%s_%s" % (verb, s)) or hasattr(api, "%s_namespaced_%s" % (verb, s))
               for verb in ("create", "replace")):
        return label, ["kind %s is not served by %s" % (kind, av)]
    klass = model_class(av, kind)
    if klass is None:
        return label, ["no schema for %s %s" % (av, kind)]
    check_object(doc, klass, kind, errs)
    if not errs:
        try:
            ApiClient()._ApiClient__deserialize(doc, klass.__name__)
        except (ValueError, TypeError) as e:
            errs.append("%s: %s" % (kind, e))
    return label, errs


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: schema-check.py FILE...\n")
        return 2
    bad = 0
    for fname in argv[1:]:
        try:
            with open(fname) as f:
                docs = [d for d in yaml.safe_load_all(f) if d is not None]
        except (OSError, yaml.YAMLError) as e:
            print("%s: %s" % (fname, e))
            bad += 1
            continue
        if not docs:
            print("%s: no documents" % fname)
            bad += 1
        for doc in docs:
            label, errs = check_doc(doc, fname)
            if errs:
                bad += 1
                for e in errs:
                    print("%s: %s: %s" % (fname, label, e))
            else:
                print("%s: %s" % (fname, label))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
