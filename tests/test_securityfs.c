// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/securityfs.c: the container-id grammar of include/uapi/cima.h and
 * the readers of the module's text files (register, snapshot, a
 * container's register and cgroup), on files written here in the formats
 * the module writes; cima_container_find() on a fake securityfs tree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cima/cima.h>
#include <uapi/cima.h>
#include "securityfs.h"
#include "tap.h"

#define SHA256_ZERO "0000000000000000000000000000000000000000000000000000000000000000"
#define SHA256_AB "abababababababababababababababababababababababababababababababab"

static char dir[64];

static void rm_tree(const char *path)
{
	char cmd[128];

	if (path[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
		if (system(cmd))
			TH_LOG("cannot remove %s", path);
	}
}

static const char *tmpfile_with(const char *name, const char *text)
{
	static char path[256];
	FILE *f;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/cima-sfs-XXXXXX");
		if (!mkdtemp(dir))
			return NULL;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fputs(text, f);
	fclose(f);
	return path;
}

TEST(container_id_grammar_accepts)
{
	char max[CIMA_ID_MAX + 1];

	memset(max, 'a', CIMA_ID_MAX);
	max[CIMA_ID_MAX] = '\0';
	EXPECT_EQ(0, cima__check_container_id("a"));
	EXPECT_EQ(0, cima__check_container_id("Z9"));
	EXPECT_EQ(0, cima__check_container_id("web-1.frontend_x"));
	EXPECT_EQ(0, cima__check_container_id("0abc"));
	EXPECT_EQ(0, cima__check_container_id(max));
}

TEST(container_id_grammar_rejects)
{
	static const char *const bad[] = { "", ".", "..", ".a", "-a", "_a", "a/b",
		"a b", "a\n", "a=b", "a:b", "caf\xc3\xa9", "a\\x20" };
	char long_id[CIMA_ID_MAX + 2];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (cima__check_container_id(bad[i]) != -EINVAL)
			TH_LOG("'%s' accepted", bad[i]);
		EXPECT_EQ(-EINVAL, cima__check_container_id(bad[i]));
	}
	EXPECT_EQ(-EINVAL, cima__check_container_id(NULL));
	memset(long_id, 'a', CIMA_ID_MAX + 1);
	long_id[CIMA_ID_MAX + 1] = '\0';
	EXPECT_EQ(-EINVAL, cima__check_container_id(long_id));
}

TEST(container_calls_use_the_grammar)
{
	errno = 0;
	EXPECT_TRUE(cima_container_register("-x") == NULL);
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_TRUE(cima_container_eventlog("a/../../b") == NULL);
	EXPECT_EQ(EINVAL, errno);
}

TEST(register_file)
{
	struct cima__sfs_register r;
	const char *p = tmpfile_with("register", "backend tpm\nindex 15\nsha256 " SHA256_AB
				     "\nunknown 00\nsha1 0000000000000000000000000000000000000000\n");

	ASSERT_TRUE(p != NULL);
	ASSERT_EQ(0, cima__sfs_read_register(p, &r));
	EXPECT_STREQ("tpm", r.backend);
	EXPECT_EQ(15, r.index);
	EXPECT_EQ(2, r.v.nbanks);	/* the bank the library does not know is skipped */
	ASSERT_TRUE(cima__sfs_value(&r.v, CIMA_ALG_SHA256) != NULL);
	EXPECT_EQ(0xab, cima__sfs_value(&r.v, CIMA_ALG_SHA256)[31]);
	EXPECT_TRUE(cima__sfs_value(&r.v, CIMA_ALG_SHA384) == NULL);

	p = tmpfile_with("register", "index 15\nbackend tpm\n");
	EXPECT_EQ(-EBADMSG, cima__sfs_read_register(p, &r));
	p = tmpfile_with("register", "backend tpm\nindex x\n");
	EXPECT_EQ(-EBADMSG, cima__sfs_read_register(p, &r));
	p = tmpfile_with("register", "backend tpm\nindex 15\nsha256 abab\n");
	EXPECT_EQ(-EBADMSG, cima__sfs_read_register(p, &r));
	EXPECT_TRUE(strstr(cima_strerror_last(), "line 3") != NULL);
	EXPECT_EQ(-ENOENT, cima__sfs_read_register("/nonexistent/register", &r));
	rm_tree(dir);
}

TEST(snapshot_file)
{
	struct cima__sfs_snapshot s;
	const char *p = tmpfile_with("snapshot", "version 1\ncount 42\nsha256 " SHA256_AB "\n");

	ASSERT_TRUE(p != NULL);
	ASSERT_EQ(0, cima__sfs_read_snapshot(p, &s));
	EXPECT_EQ(42, s.count);
	EXPECT_EQ(1, s.v.nbanks);
	EXPECT_EQ(CIMA_ALG_SHA256, s.v.alg[0]);
	p = tmpfile_with("snapshot", "version 2\ncount 42\nsha256 " SHA256_AB "\n");
	EXPECT_EQ(-EBADMSG, cima__sfs_read_snapshot(p, &s));
	p = tmpfile_with("snapshot", "version 1\ncount 42\n");
	EXPECT_EQ(-EBADMSG, cima__sfs_read_snapshot(p, &s));
	p = tmpfile_with("snapshot", "version 1\ncount -1\nsha256 " SHA256_AB "\n");
	EXPECT_EQ(-EBADMSG, cima__sfs_read_snapshot(p, &s));
	/* The snapshot binds every bank: one the library cannot name is an error. */
	p = tmpfile_with("snapshot", "version 1\ncount 1\nunknown 00\n");
	EXPECT_EQ(-EBADMSG, cima__sfs_read_snapshot(p, &s));
	rm_tree(dir);
}

TEST(container_register_and_cgroup_files)
{
	struct cima__sfs_values v;
	char *cg = NULL;
	uint64_t id = 0;
	const char *p = tmpfile_with("creg", "sha256 " SHA256_ZERO "\n");

	ASSERT_EQ(0, cima__sfs_read_values(p, &v));
	EXPECT_EQ(1, v.nbanks);
	p = tmpfile_with("creg", "sha256 " SHA256_ZERO " trailing\n");
	EXPECT_EQ(-EBADMSG, cima__sfs_read_values(p, &v));
	p = tmpfile_with("creg", "");
	EXPECT_EQ(-EBADMSG, cima__sfs_read_values(p, &v));

	p = tmpfile_with("cgroup", "path /system.slice/a\\x20b\nid 1234\n");
	ASSERT_EQ(0, cima__sfs_read_cgroup(p, &cg, &id));
	EXPECT_STREQ("/system.slice/a\\x20b", cg);
	EXPECT_EQ(1234, id);
	free(cg);
	p = tmpfile_with("cgroup", "path /x\n");
	EXPECT_EQ(-EBADMSG, cima__sfs_read_cgroup(p, &cg, &id));
	p = tmpfile_with("cgroup", "id 3\npath /x\n");
	EXPECT_EQ(-EBADMSG, cima__sfs_read_cgroup(p, &cg, &id));
	rm_tree(dir);
}

TEST(escape_matches_the_module)
{
	char *e = cima__sfs_escape("/a b=c\\d\x7f");

	EXPECT_STREQ("/a\\x20b\\x3dc\\x5cd\\x7f", e);
	free(e);
}

/* containers/<id>/cgroup files under a fake securityfs root. */
static int add_container(const char *root, const char *id, const char *cgpath)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/containers", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/containers/%s", root, id);
	if (mkdir(path, 0700))
		return -1;
	snprintf(path, sizeof(path), "%s/containers/%s/cgroup", root, id);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "path %s\nid 7\n", cgpath);
	return fclose(f);
}

TEST(container_find_by_cgroup)
{
	char root[64] = "/tmp/cima-fs-XXXXXX", *id = NULL;

	ASSERT_TRUE(mkdtemp(root) != NULL);
	EXPECT_EQ(-ENOENT, cima_container_find(root, "/a", &id));
	EXPECT_TRUE(strstr(cima_strerror_last(), "cima.ko loaded") != NULL);
	ASSERT_EQ(0, add_container(root, "outer", "/pods/p1"));
	ASSERT_EQ(0, add_container(root, "inner", "/pods/p1/c\\x20two"));
	ASSERT_EQ(0, add_container(root, "other", "/pods/p10"));

	ASSERT_EQ(0, cima_container_find(root, "/pods/p1/c two", &id));
	EXPECT_STREQ("inner", id);	/* the closest ancestor wins */
	free(id);
	ASSERT_EQ(0, cima_container_find(root, "/pods/p1/c two/sub", &id));
	EXPECT_STREQ("inner", id);
	free(id);
	ASSERT_EQ(0, cima_container_find(root, "/pods/p1/x", &id));
	EXPECT_STREQ("outer", id);
	free(id);
	ASSERT_EQ(0, cima_container_find(root, "/pods/p10", &id));
	EXPECT_STREQ("other", id);
	free(id);
	id = NULL;
	EXPECT_EQ(-ENOENT, cima_container_find(root, "/pods/p1x", &id));
	EXPECT_TRUE(id == NULL);
	EXPECT_TRUE(strstr(cima_strerror_last(), "not a cima container") != NULL);
	EXPECT_EQ(-EINVAL, cima_container_find(root, NULL, &id));
	rm_tree(root);
}

TAP_MAIN();
