// SPDX-License-Identifier: GPL-2.0
/*
 * Container policy: which new cgroups are containers, whether exec and
 * executable mappings are measured, and what happens to a task whose event
 * cannot be measured (fail open: it runs, the violation is logged; fail
 * closed: it is killed before it runs past the event).  The active policy
 * is one RCU-protected immutable object; a write builds a complete new one,
 * logs it as a "policy" event and only then swaps it in - or fails and
 * changes nothing.
 *
 * Lock order: cima_policy_mutex, then the log's mutex (the policy event).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

#include <uapi/cima.h>

#include "evbuf.h"
#include "log.h"
#include "policy.h"

static bool cima_fail_closed_param;
module_param_named(fail_closed, cima_fail_closed_param, bool, 0444);
MODULE_PARM_DESC(fail_closed, "Start with policy \"fail closed\": kill a task whose exec or mapping cannot be measured (default: fail open)");

struct cima_policy {
	struct rcu_head rcu;
	bool exec;
	bool mmap;
	bool fail_closed;
	bool defaults;
	unsigned int nprefix;
	char prefix[CIMA_POLICY_PREFIX_MAX][CIMA_POLICY_PATH_MAX + 1];
};

static struct cima_policy __rcu *cima_policy;
static DEFINE_MUTEX(cima_policy_mutex);	/* serialises writers */

static const char *const cima_default_patterns[][2] = {
	/* prefix, suffix around 64 lower-case hex digits */
	{ "docker-", ".scope" },		/* docker, systemd driver */
	{ "cri-containerd-", ".scope" },	/* containerd CRI, systemd */
	{ "crio-", ".scope" },			/* CRI-O, systemd */
	{ "crio-", "" },			/* CRI-O, cgroupfs driver */
	{ "libpod-", ".scope" },		/* podman, systemd */
	{ "libpod-", "" },			/* podman, cgroupfs driver */
	{ "", "" },		/* docker/containerd/runc with cgroupfs */
};

#define CIMA_HEX_ID_LEN	64

static bool cima_is_hex64(const char *s, size_t n)
{
	size_t i;

	if (n != CIMA_HEX_ID_LEN)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return true;
}

static bool cima_match_default(const char *name, size_t n, char *id)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cima_default_patterns); i++) {
		const char *pre = cima_default_patterns[i][0];
		const char *suf = cima_default_patterns[i][1];
		size_t lp = strlen(pre), ls = strlen(suf);

		if (n != lp + CIMA_HEX_ID_LEN + ls)
			continue;
		if (strncmp(name, pre, lp) || strncmp(name + n - ls, suf, ls))
			continue;
		if (!cima_is_hex64(name + lp, CIMA_HEX_ID_LEN))
			continue;
		memcpy(id, name + lp, CIMA_HEX_ID_LEN);
		id[CIMA_HEX_ID_LEN] = '\0';
		return true;
	}
	return false;
}

/*
 * Pods, so that a verifier can group a pod's containers.  Only the engines'
 * own cgroup layouts are read, and only the parents of the container's
 * cgroup (its own name is the container id):
 *   Kubernetes, cgroupfs driver:  .../kubepods/<qos>/pod<uid>/<id>
 *   Kubernetes, systemd driver:   ...-pod<uid, '-' written '_'>.slice/...
 *   podman pods:                  ...libpod_pod_<64 hex>[.slice]/...
 * The Kubernetes uid is a UUID or, for static pods, a hex hash; it is
 * given back with dashes whichever driver wrote it.
 */
static bool cima_pod_word(const char *s, size_t n, char *pod)
{
	size_t i;

	if (!n || n > CIMA_ID_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char ch = s[i] == '_' ? '-' : s[i];

		if (!isdigit(ch) && !(ch >= 'a' && ch <= 'f') && ch != '-')
			return false;
		pod[i] = ch;
	}
	pod[n] = '\0';
	return true;
}

static bool cima_pod_component(const char *s, size_t n, bool kube, char *pod)
{
	static const char slice[] = ".slice", libpod[] = "libpod_pod_";
	const size_t ls = sizeof(slice) - 1, ll = sizeof(libpod) - 1;
	const char *p;

	if (n > ls && !memcmp(s + n - ls, slice, ls)) {
		n -= ls;
		/* The systemd form: the last "-pod" of the slice name. */
		for (p = s + n - 4; kube && n >= 4 && p >= s; p--)
			if (!memcmp(p, "-pod", 4))
				return cima_pod_word(p + 4, s + n - p - 4, pod);
	} else if (kube && n > 3 && !memcmp(s, "pod", 3)) {
		return cima_pod_word(s + 3, n - 3, pod);
	}
	p = strnstr(s, libpod, n);
	if (p && s + n - (p + ll) == CIMA_HEX_ID_LEN &&
	    cima_is_hex64(p + ll, CIMA_HEX_ID_LEN))
		return cima_pod_word(p + ll, CIMA_HEX_ID_LEN, pod);
	return false;
}

bool cima_policy_pod(const char *path, char *pod)
{
	const char *end = strrchr(path, '/');
	const char *s = path;
	bool kube = false;

	while (end && s < end) {
		const char *e = memchr(s, '/', end - s);
		size_t n;

		if (!e)
			e = end;
		n = e - s;
		if (n >= 8 && !memcmp(s, "kubepods", 8))
			kube = true;
		if (n && cima_pod_component(s, n, kube, pod))
			return true;
		s = e + 1;
	}
	return false;
}

/*
 * Is the new cgroup at @path (absolute in the v2 hierarchy) a container?
 * If so, store its id (CIMA_ID_MAX + 1 bytes) in @id.  Any context.
 */
bool cima_policy_match(const char *path, char *id)
{
	const struct cima_policy *p;
	const char *name = strrchr(path, '/');
	size_t plen, nlen;
	bool hit = false;
	unsigned int i;

	if (!name)
		return false;
	plen = name - path;		/* parent path length; 0 = root */
	name++;
	nlen = strlen(name);

	rcu_read_lock();
	p = rcu_dereference(cima_policy);
	if (p->defaults)
		hit = cima_match_default(name, nlen, id);
	for (i = 0; !hit && i < p->nprefix; i++) {
		const char *pre = p->prefix[i];
		size_t n = strlen(pre);

		if (n == 1)		/* "/" */
			n = 0;
		if (n != plen || strncmp(path, pre, n))
			continue;
		if (!cima_valid_word(name, nlen, CIMA_ID_MAX))
			continue;
		memcpy(id, name, nlen);
		id[nlen] = '\0';
		hit = true;
	}
	rcu_read_unlock();
	return hit;
}

bool cima_policy_exec(void)
{
	bool ret;

	rcu_read_lock();
	ret = rcu_dereference(cima_policy)->exec;
	rcu_read_unlock();
	return ret;
}

bool cima_policy_mmap(void)
{
	bool ret;

	rcu_read_lock();
	ret = rcu_dereference(cima_policy)->mmap;
	rcu_read_unlock();
	return ret;
}

bool cima_policy_fail_closed(void)
{
	bool ret;

	rcu_read_lock();
	ret = rcu_dereference(cima_policy)->fail_closed;
	rcu_read_unlock();
	return ret;
}

int cima_policy_show(struct seq_file *m)
{
	const struct cima_policy *p;
	unsigned int i;

	mutex_lock(&cima_policy_mutex);
	p = rcu_dereference_protected(cima_policy,
				      lockdep_is_held(&cima_policy_mutex));
	seq_printf(m, "exec %s\nmmap %s\nfail %s\ndefaults %s\n",
		   p->exec ? "on" : "off", p->mmap ? "on" : "off",
		   p->fail_closed ? "closed" : "open",
		   p->defaults ? "on" : "off");
	for (i = 0; i < ARRAY_SIZE(cima_default_patterns); i++)
		seq_printf(m, "# default %s<64hex>%s\n",
			   cima_default_patterns[i][0],
			   cima_default_patterns[i][1]);
	for (i = 0; i < p->nprefix; i++)
		seq_printf(m, "prefix %s\n", p->prefix[i]);
	mutex_unlock(&cima_policy_mutex);
	return 0;
}

static bool cima_valid_cgpath(const char *s)
{
	size_t n = strlen(s), i;
	const char *c;

	if (!n || n > CIMA_POLICY_PATH_MAX || s[0] != '/')
		return false;
	if (n == 1)
		return true;
	if (s[n - 1] == '/')
		return false;
	for (i = 0; i < n; i++)
		if ((u8)s[i] < 0x21 || (u8)s[i] > 0x7e)
			return false;
	/* No empty, "." or ".." components. */
	for (c = s; c; c = strchr(c + 1, '/')) {
		const char *e = strchr(c + 1, '/');
		size_t len = e ? (size_t)(e - c - 1) : strlen(c + 1);

		if (!len || (len == 1 && c[1] == '.') ||
		    (len == 2 && c[1] == '.' && c[2] == '.'))
			return false;
	}
	return true;
}

static int cima_find_prefix(const struct cima_policy *p, const char *path)
{
	unsigned int i;

	for (i = 0; i < p->nprefix; i++)
		if (!strcmp(p->prefix[i], path))
			return i;
	return -1;
}

static int cima_parse_onoff(const char *s, bool *out)
{
	if (!strcmp(s, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "off")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

/* Apply one line to the draft policy @p. */
static int cima_policy_line(struct cima_policy *p, char *line)
{
	char *arg = strchr(line, ' ');
	int i;

	if (arg)
		*arg++ = '\0';
	if (!strcmp(line, "clear")) {
		if (arg)
			return -EINVAL;
		p->nprefix = 0;
		return 0;
	}
	if (!arg || strchr(arg, ' '))
		return -EINVAL;
	if (!strcmp(line, "exec"))
		return cima_parse_onoff(arg, &p->exec);
	if (!strcmp(line, "mmap"))
		return cima_parse_onoff(arg, &p->mmap);
	if (!strcmp(line, "fail")) {
		if (!strcmp(arg, "open"))
			p->fail_closed = false;
		else if (!strcmp(arg, "closed"))
			p->fail_closed = true;
		else
			return -EINVAL;
		return 0;
	}
	if (!strcmp(line, "defaults"))
		return cima_parse_onoff(arg, &p->defaults);
	if (!cima_valid_cgpath(arg))
		return -EINVAL;
	i = cima_find_prefix(p, arg);
	if (!strcmp(line, "prefix")) {
		if (i >= 0)
			return 0;
		if (p->nprefix == CIMA_POLICY_PREFIX_MAX)
			return -EINVAL;
		strscpy(p->prefix[p->nprefix++], arg, CIMA_POLICY_PATH_MAX + 1);
		return 0;
	}
	if (!strcmp(line, "noprefix")) {
		if (i < 0)
			return -EINVAL;
		p->nprefix--;
		if ((unsigned int)i != p->nprefix)
			memcpy(p->prefix[i], p->prefix[p->nprefix],
			       sizeof(p->prefix[i]));
		return 0;
	}
	return -EINVAL;
}

/*
 * Log the policy @p about to take effect:
 *   cima/1 policy exec=on mmap=on fail=open defaults=on prefix=/a ...
 */
static int cima_policy_log(const struct cima_policy *p)
{
	struct cima_buf b;
	unsigned int i;
	int ret;

	if (!cima_buf_alloc(&b, GFP_KERNEL))
		return -ENOMEM;
	cima_buf_printf(&b, CIMA_DATA_TAG " " CIMA_KIND_POLICY
			" exec=%s mmap=%s fail=%s defaults=%s",
			p->exec ? "on" : "off", p->mmap ? "on" : "off",
			p->fail_closed ? "closed" : "open",
			p->defaults ? "on" : "off");
	for (i = 0; i < p->nprefix; i++) {
		cima_buf_puts(&b, " prefix=");
		cima_buf_escape(&b, p->prefix[i], strlen(p->prefix[i]));
	}
	ret = b.overflow ? -E2BIG : cima_log_append(NULL, b.p, b.len);
	kfree(b.p);
	return ret;
}

/* @text is NUL-terminated, @len bytes. */
int cima_policy_write(const char *text, size_t len)
{
	struct cima_policy *p, *old;
	char *copy, *cur, *line;
	int ret = 0;

	if (len > CIMA_POLICY_WRITE_MAX || strlen(text) != len)
		return -EINVAL;
	copy = kstrdup(text, GFP_KERNEL);
	p = kmalloc(sizeof(*p), GFP_KERNEL);
	if (!copy || !p) {
		ret = -ENOMEM;
		goto out;
	}
	mutex_lock(&cima_policy_mutex);
	old = rcu_dereference_protected(cima_policy,
					lockdep_is_held(&cima_policy_mutex));
	memcpy(p, old, sizeof(*p));
	cur = copy;
	while (!ret && (line = strsep(&cur, "\n")) != NULL) {
		if (!*line || *line == '#')
			continue;
		ret = cima_policy_line(p, line);
	}
	if (!ret)
		ret = cima_policy_log(p);
	if (!ret) {
		rcu_assign_pointer(cima_policy, p);
		p = NULL;
		kfree_rcu(old, rcu);
	}
	mutex_unlock(&cima_policy_mutex);
out:
	kfree(p);
	kfree(copy);
	return ret;
}

int cima_policy_init(void)
{
	struct cima_policy *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	p->exec = true;
	p->mmap = true;
	p->fail_closed = cima_fail_closed_param;
	p->defaults = true;
	RCU_INIT_POINTER(cima_policy, p);
	return 0;
}

void cima_policy_exit(void)
{
	/* Probes are gone and have been waited for: no reader is left. */
	kfree(rcu_dereference_protected(cima_policy, 1));
	RCU_INIT_POINTER(cima_policy, NULL);
}
