// SPDX-License-Identifier: GPL-2.0
/*
 * securityfs: /sys/kernel/security/cima/.
 *
 * Logs are seq_files whose position is the record index (the binary log's
 * position 0 is the Spec ID header), so each read chunk starts with one
 * xarray lookup instead of a walk from the head.  A record is emitted whole
 * by one ->show(); seq_file retries a record that does not fit with a bigger
 * buffer, so readers never see torn records.
 *
 * Access: everything is root-only by mode, except self/.  In addition, a
 * process that runs inside a tracked container can open nothing but self/:
 * its own view, chosen by the kernel from its cgroup.  Writing the policy
 * takes CAP_SYS_ADMIN in the initial user namespace, both for the opener
 * and for the writer.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/dcache.h>
#include <linux/capability.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/tpm.h>
#include <linux/tpm_eventlog.h>
#include <linux/wait.h>
#include <linux/atomic.h>
#include <linux/rcupdate.h>

#include <uapi/cima.h>

#include "backend.h"
#include "container.h"
#include "evbuf.h"
#include "fs.h"
#include "log.h"
#include "measure.h"
#include "policy.h"
#include "compat.h"

static struct dentry *cima_dir, *cima_containers_dir, *cima_self_dir;

/*
 * Container directories are owed from a container's start and made at
 * the first look in containers/ (cima_dirs_make()), under cima_dirs_mutex,
 * which also guards each container's dir, files and dir_owed.
 */
static DEFINE_MUTEX(cima_dirs_mutex);
static LIST_HEAD(cima_dirs_owed);
static atomic_t cima_dirs_nowed = ATOMIC_INIT(0);
/* The task making them: its own lookups in containers/ (securityfs's) go on. */
static struct task_struct *cima_dir_maker;

enum { CF_BINARY, CF_ASCII, CF_REGISTER, CF_CGROUP, CF_EVENT };

/* Refuse any file but self/ to processes inside a tracked container. */
static int cima_deny_contained(void)
{
	struct cima_container *c = cima_container_of_current();

	if (!c)
		return 0;
	cima_container_put(c);
	return -EACCES;
}

/* Container of a container file: by serial, or self (i_private NULL). */
static struct cima_container *cima_cfile_container(struct inode *inode)
{
	struct cima_container *c;
	int ret;

	if (!inode->i_private) {
		c = cima_container_of_current();
		return c ? c : ERR_PTR(-ENOENT);
	}
	ret = cima_deny_contained();
	if (ret)
		return ERR_PTR(ret);
	c = cima_container_by_serial((uintptr_t)inode->i_private);
	return c ? c : ERR_PTR(-ENOENT);
}

/* ---- log views ------------------------------------------------------------ */

struct cima_view {
	struct cima_container *c;	/* NULL: the global log */
	bool binary;
};

static void *cima_log_seq_start(struct seq_file *m, loff_t *pos)
{
	struct cima_view *v = m->private;

	if (*pos < 0)
		return NULL;
	if (v->binary) {
		if (*pos == 0)
			return SEQ_START_TOKEN;
		return cima_log_get(*pos - 1);
	}
	return cima_log_get(*pos);
}

static void *cima_log_seq_next(struct seq_file *m, void *p, loff_t *pos)
{
	++*pos;
	return cima_log_seq_start(m, pos);
}

static void cima_log_seq_stop(struct seq_file *m, void *p)
{
}

static void cima_put_le32(struct seq_file *m, u32 x)
{
	__le32 le = cpu_to_le32(x);

	seq_write(m, &le, sizeof(le));
}

static void cima_put_le16(struct seq_file *m, u16 x)
{
	__le16 le = cpu_to_le16(x);

	seq_write(m, &le, sizeof(le));
}

static void cima_show_header(struct seq_file *m)
{
	static const u8 zero[TPM_DIGEST_SIZE];
	static const char sig[16] = TCG_SPECID_SIG;
	unsigned int i;

	cima_put_le32(m, 0);			/* pcrIndex */
	cima_put_le32(m, 3);			/* EV_NO_ACTION */
	seq_write(m, zero, sizeof(zero));
	cima_put_le32(m, 16 + 4 + 4 + 4 + 4 * cima_nbanks + 1);
	seq_write(m, sig, sizeof(sig));
	cima_put_le32(m, 0);			/* platformClass: client */
	seq_putc(m, 0);				/* specVersionMinor */
	seq_putc(m, 2);				/* specVersionMajor */
	seq_putc(m, 0);				/* specErrata */
	seq_putc(m, 2);				/* uintnSize: 64-bit */
	cima_put_le32(m, cima_nbanks);
	for (i = 0; i < cima_nbanks; i++) {
		cima_put_le16(m, cima_bank[i].alg_id);
		cima_put_le16(m, cima_bank[i].size);
	}
	seq_putc(m, 0);				/* vendorInfoSize */
}

static int cima_log_seq_show(struct seq_file *m, void *p)
{
	struct cima_view *v = m->private;
	const struct cima_entry *e = p;
	const char *data;
	unsigned int i;
	u32 len;

	if (p == SEQ_START_TOKEN) {
		cima_show_header(m);
		return 0;
	}
	data = cima_entry_data(e);
	len = e->len;
	if (v->c && e->owner != v->c->serial) {
		data = CIMA_REDACTED_DATA;
		len = strlen(CIMA_REDACTED_DATA);
	}
	if (v->binary) {
		cima_put_le32(m, cima_log_pcr);
		cima_put_le32(m, CIMA_EVENT_TYPE);
		cima_put_le32(m, cima_nbanks);
		for (i = 0; i < cima_nbanks; i++) {
			cima_put_le16(m, cima_bank[i].alg_id);
			seq_write(m, e->buf + cima_bank[i].off,
				  cima_bank[i].size);
		}
		cima_put_le32(m, len);
		seq_write(m, data, len);
		return 0;
	}
	seq_printf(m, "%u", cima_log_pcr);
	for (i = 0; i < cima_nbanks; i++) {
		seq_printf(m, " %s:", cima_bank[i].name ? cima_bank[i].name :
			   "unknown");
		cima_put_hex(m, e->buf + cima_bank[i].off, cima_bank[i].size);
	}
	seq_putc(m, ' ');
	seq_write(m, data, len);
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations cima_log_seqops = {
	.start = cima_log_seq_start,
	.next = cima_log_seq_next,
	.stop = cima_log_seq_stop,
	.show = cima_log_seq_show,
};

static int cima_view_open(struct file *file, struct cima_container *c,
			  bool binary)
{
	struct cima_view *v;
	int ret;

	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	v->c = c;
	v->binary = binary;
	ret = seq_open(file, &cima_log_seqops);
	if (ret) {
		kfree(v);
		return ret;
	}
	((struct seq_file *)file->private_data)->private = v;
	return 0;
}

static int cima_view_release(struct inode *inode, struct file *file)
{
	struct cima_view *v = ((struct seq_file *)file->private_data)->private;

	cima_container_put(v->c);
	kfree(v);
	return seq_release(inode, file);
}

static int cima_global_log_open(struct inode *inode, struct file *file)
{
	int ret = cima_deny_contained();

	if (!ret)
		ret = cima_log_settle();
	if (ret)
		return ret;
	return cima_view_open(file, NULL, (uintptr_t)inode->i_private);
}

static const struct file_operations cima_global_log_fops = {
	.owner = THIS_MODULE,
	.open = cima_global_log_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = cima_view_release,
};

static int cima_cview_open(struct inode *inode, struct file *file,
			   bool binary)
{
	struct cima_container *c;
	int ret;

	ret = cima_log_settle();
	if (ret)
		return ret;
	c = cima_cfile_container(inode);
	if (IS_ERR(c))
		return PTR_ERR(c);
	ret = cima_view_open(file, c, binary);
	if (ret)
		cima_container_put(c);
	return ret;
}

static int cima_cbinary_open(struct inode *inode, struct file *file)
{
	return cima_cview_open(inode, file, true);
}

static int cima_cascii_open(struct inode *inode, struct file *file)
{
	return cima_cview_open(inode, file, false);
}

static const struct file_operations cima_cbinary_fops = {
	.owner = THIS_MODULE,
	.open = cima_cbinary_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = cima_view_release,
};

static const struct file_operations cima_cascii_fops = {
	.owner = THIS_MODULE,
	.open = cima_cascii_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = cima_view_release,
};

/* ---- small global files --------------------------------------------------- */

static int cima_count_show(struct seq_file *m, void *p)
{
	seq_printf(m, "%lu\n", cima_log_count());
	return 0;
}

static int cima_violations_show(struct seq_file *m, void *p)
{
	seq_printf(m, "%ld\n", cima_violations());
	return 0;
}

static int cima_register_seq_show(struct seq_file *m, void *p)
{
	return cima_register_show(m);
}

static int cima_snapshot_show(struct seq_file *m, void *p)
{
	return cima_log_snapshot(m);
}

static int cima_policy_seq_show(struct seq_file *m, void *p)
{
	return cima_policy_show(m);
}

#define CIMA_SINGLE_FOPS(name, ...)					\
static int name##_open(struct inode *inode, struct file *file)		\
{									\
	int ret = cima_deny_contained();				\
									\
	if (!ret)							\
		ret = cima_log_settle();				\
	if (ret)							\
		return ret;						\
	return single_open(file, name##_show, NULL);			\
}									\
static const struct file_operations name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = name##_open,						\
	.read = seq_read,						\
	.llseek = seq_lseek,						\
	.release = single_release,					\
	__VA_ARGS__							\
}

static ssize_t cima_policy_write_fop(struct file *file,
				     const char __user *ubuf, size_t count,
				     loff_t *ppos)
{
	char *buf;
	int ret;

	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) ||
	    !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (count > CIMA_POLICY_WRITE_MAX || *ppos)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = cima_policy_write(buf, count);
	kfree(buf);
	return ret ? ret : count;
}

CIMA_SINGLE_FOPS(cima_count);
CIMA_SINGLE_FOPS(cima_violations);
CIMA_SINGLE_FOPS(cima_register_seq);
CIMA_SINGLE_FOPS(cima_snapshot);
CIMA_SINGLE_FOPS(cima_policy_seq, .write = cima_policy_write_fop);

/* ---- container register, cgroup, event ------------------------------------ */

static int cima_creg_show(struct seq_file *m, void *p)
{
	return cima_vreg_show(m, m->private);
}

static int cima_ccgroup_show(struct seq_file *m, void *p)
{
	struct cima_container *c = m->private;
	size_t cap = strlen(c->path) * 4 + 1;
	struct cima_buf b;

	cima_buf_init(&b, kmalloc(cap, GFP_KERNEL), cap);
	if (!b.p)
		return -ENOMEM;
	cima_buf_escape(&b, c->path, strlen(c->path));
	seq_puts(m, "path ");
	seq_write(m, b.p, b.len);
	seq_printf(m, "\nid %llu\n", c->cgid);
	kfree(b.p);
	return 0;
}

static int cima_csingle_open(struct inode *inode, struct file *file,
			     int (*show)(struct seq_file *, void *))
{
	struct cima_container *c;
	int ret;

	ret = cima_log_settle();
	if (ret)
		return ret;
	c = cima_cfile_container(inode);
	if (IS_ERR(c))
		return PTR_ERR(c);
	ret = single_open(file, show, c);
	if (ret)
		cima_container_put(c);
	return ret;
}

static int cima_csingle_release(struct inode *inode, struct file *file)
{
	struct cima_container *c =
		((struct seq_file *)file->private_data)->private;

	cima_container_put(c);
	return single_release(inode, file);
}

static int cima_creg_open(struct inode *inode, struct file *file)
{
	return cima_csingle_open(inode, file, cima_creg_show);
}

static int cima_ccgroup_open(struct inode *inode, struct file *file)
{
	return cima_csingle_open(inode, file, cima_ccgroup_show);
}

static const struct file_operations cima_creg_fops = {
	.owner = THIS_MODULE,
	.open = cima_creg_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = cima_csingle_release,
};

static const struct file_operations cima_ccgroup_fops = {
	.owner = THIS_MODULE,
	.open = cima_ccgroup_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = cima_csingle_release,
};

static int cima_cevent_open(struct inode *inode, struct file *file)
{
	struct cima_container *c = cima_cfile_container(inode);

	if (IS_ERR(c))
		return PTR_ERR(c);
	file->private_data = c;
	return 0;
}

static int cima_cevent_release(struct inode *inode, struct file *file)
{
	cima_container_put(file->private_data);
	return 0;
}

static ssize_t cima_cevent_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	bool self = !file_inode(file)->i_private;
	char *buf;
	int ret;

	if (!count || count > CIMA_RUNTIME_EVENT_MAX || *ppos)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = cima_measure_runtime(file->private_data, self, buf, count);
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations cima_cevent_fops = {
	.owner = THIS_MODULE,
	.open = cima_cevent_open,
	.release = cima_cevent_release,
	.write = cima_cevent_write,
};

static const struct {
	const char *name;
	umode_t mode, self_mode;
	const struct file_operations *fops;
} cima_cfiles[CIMA_CFILES] = {
	[CF_BINARY] = { CIMA_CFILE_BINARY_LOG, 0400, 0444, &cima_cbinary_fops },
	[CF_ASCII] = { CIMA_CFILE_ASCII_LOG, 0400, 0444, &cima_cascii_fops },
	[CF_REGISTER] = { CIMA_CFILE_REGISTER, 0400, 0444, &cima_creg_fops },
	[CF_CGROUP] = { CIMA_CFILE_CGROUP, 0400, 0444, &cima_ccgroup_fops },
	[CF_EVENT] = { CIMA_CFILE_EVENT, 0200, 0222, &cima_cevent_fops },
};

#define CIMA_MAX_FILES	8

/*
 * Remove @dir and its @n files.  Two things must hold even while someone
 * keeps a reference to one of them (an O_PATH fd, a cwd):
 *  - the name is free again at once, so a container id that comes back
 *    gets its directory (6.1's securityfs_remove() leaves a referenced
 *    dentry hashed, and its parent "not empty");
 *  - nothing reaches this module's code through the old inodes, which can
 *    outlive the module: reopening /proc/self/fd/N of an O_PATH fd must
 *    not call a freed ->open().  make_bad_inode() points them at the
 *    kernel's own operations, which fail with EIO.
 */
static void cima_remove_dir(struct dentry *dir, struct dentry **files,
			    unsigned int n)
{
	struct dentry *held[CIMA_MAX_FILES + 1];
	unsigned int i, nheld = 0;

	if (IS_ERR_OR_NULL(dir))
		return;
	for (i = 0; i < n; i++)
		if (!IS_ERR_OR_NULL(files[i]))
			held[nheld++] = dget(files[i]);
	held[nheld++] = dget(dir);
#ifdef CIMA_REMOVE_FILES_ONE_BY_ONE
	for (i = 0; i < n; i++) {
		if (!IS_ERR_OR_NULL(files[i])) {
			securityfs_remove(files[i]);
			d_drop(files[i]);	/* still held: unhash it */
		}
	}
	securityfs_remove(dir);
	d_drop(dir);
#else
	securityfs_recursive_remove(dir);
#endif
	for (i = 0; i < n; i++)
		files[i] = NULL;
	for (i = 0; i < nheld; i++) {
		struct inode *inode = d_inode(held[i]);

		if (inode) {
			inode_lock(inode);
			make_bad_inode(inode);
			inode_unlock(inode);
		}
		dput(held[i]);
	}
}

/* Create dir/ with the container files; i_private is the serial or NULL. */
static int cima_create_cfiles(const char *name, struct dentry *parent,
			      void *data, bool self, struct dentry **dirp,
			      struct dentry **files)
{
	struct dentry *dir;
	unsigned int i;

	dir = securityfs_create_dir(name, parent);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	for (i = 0; i < CIMA_CFILES; i++) {
		files[i] = securityfs_create_file(cima_cfiles[i].name,
			self ? cima_cfiles[i].self_mode : cima_cfiles[i].mode,
			dir, data, cima_cfiles[i].fops);
		if (IS_ERR(files[i])) {
			int ret = PTR_ERR(files[i]);

			files[i] = NULL;
			cima_remove_dir(dir, files, i);
			return ret;
		}
	}
	*dirp = dir;
	return 0;
}

/* @c is live: owe it a directory. */
void cima_fs_add_container(struct cima_container *c)
{
	mutex_lock(&cima_dirs_mutex);
	list_add_tail(&c->dir_owed, &cima_dirs_owed);
	atomic_inc(&cima_dirs_nowed);
	mutex_unlock(&cima_dirs_mutex);
}

/* @c stopped: its directory goes, or is no longer owed. */
void cima_fs_remove_container(struct cima_container *c)
{
	mutex_lock(&cima_dirs_mutex);
	if (!list_empty(&c->dir_owed)) {
		list_del_init(&c->dir_owed);
		atomic_dec(&cima_dirs_nowed);
	}
	cima_remove_dir(c->dir, c->files, CIMA_CFILES);
	c->dir = NULL;
	mutex_unlock(&cima_dirs_mutex);
}

/* ---- containers/ ---------------------------------------------------------- */

/*
 * containers/ is securityfs's own directory but for ->permission, which
 * the VFS asks before each lookup in it and each open of it: there the
 * directories owed are made first, so every live container's directory is
 * there for whoever looks.  Not for requests with MAY_WRITE: those
 * (create, unlink) come with the directory locked, which making one
 * needs; securityfs refuses them anyway.
 */
static atomic_t cima_perm_waiters = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(cima_perm_wait);

/*
 * Make the directories owed.  @may_block false (RCU path walk): -ECHILD
 * if there are any.  Returns 0, or -EINTR on a fatal signal.  A directory
 * that cannot be made is a violation, logged once: the container is still
 * tracked, only containers/<id>/ is missing.
 */
static int cima_dirs_make(bool may_block)
{
	struct cima_container *c;
	int ret;

	/* Acquire: the lookup that follows sees the directories made. */
	if (!atomic_read_acquire(&cima_dirs_nowed) ||
	    READ_ONCE(cima_dir_maker) == current)
		return 0;
	if (!may_block)
		return -ECHILD;
	/*
	 * Unload waits for the callers counted here: a task preempted on the
	 * fast path is covered by exit's RCU-tasks grace period, one that
	 * sleeps on the mutex is not.
	 */
	atomic_inc(&cima_perm_waiters);
	ret = mutex_lock_killable(&cima_dirs_mutex);
	if (ret)
		goto out;
	WRITE_ONCE(cima_dir_maker, current);
	while ((c = list_first_entry_or_null(&cima_dirs_owed,
					     struct cima_container,
					     dir_owed)) != NULL) {
		int err = cima_create_cfiles(c->id, cima_containers_dir,
					     (void *)(uintptr_t)c->serial,
					     false, &c->dir, c->files);

		list_del_init(&c->dir_owed);
		atomic_dec_return_release(&cima_dirs_nowed);
		if (err)
			cima_log_violation(c, CIMA_KIND_START, err, c->path,
					   false);
	}
	WRITE_ONCE(cima_dir_maker, NULL);
	mutex_unlock(&cima_dirs_mutex);
out:
	if (atomic_dec_and_test(&cima_perm_waiters))
		wake_up(&cima_perm_wait);
	return ret;
}

static int cima_containers_permission(cima_idmap_t *idmap,
				      struct inode *inode, int mask)
{
	int ret = 0;

	if (!(mask & MAY_WRITE))
		ret = cima_dirs_make(!(mask & MAY_NOT_BLOCK));
	return ret ?: generic_permission(idmap, inode, mask);
}

static const struct inode_operations cima_containers_iops = {
	.lookup = simple_lookup,	/* as simple_dir_inode_operations */
	.permission = cima_containers_permission,
};

static int cima_containers_dir_init(void)
{
	struct dentry *d = securityfs_create_dir(CIMA_DIR_CONTAINERS, cima_dir);
	struct inode *inode;

	if (IS_ERR(d))
		return PTR_ERR(d);
	cima_containers_dir = d;
	inode = d_inode(d);
	inode_lock(inode);
	inode->i_op = &cima_containers_iops;
	/* The VFS caches "no ->permission" in this flag: forget it. */
	spin_lock(&inode->i_lock);
	inode->i_opflags &= ~IOP_FASTPERM;
	spin_unlock(&inode->i_lock);
	inode_unlock(inode);
	return 0;
}

static void cima_containers_dir_exit(void)
{
	if (!cima_containers_dir)
		return;
	/* Made a bad inode: no new caller reaches ->permission. */
	cima_remove_dir(cima_containers_dir, NULL, 0);
	cima_containers_dir = NULL;
	/*
	 * Callers that came in before: nothing sleeps between the entry and
	 * the count, so after one RCU-tasks grace period each one is counted
	 * or gone (one preempted before the count would be missed by the
	 * wait alone); then the count; then the way out after the decrement.
	 */
	synchronize_rcu_tasks();
	wait_event(cima_perm_wait, !atomic_read(&cima_perm_waiters));
	synchronize_rcu_tasks();
}

/* ---- the tree ------------------------------------------------------------- */

static const struct {
	const char *name;
	umode_t mode;
	void *data;
	const struct file_operations *fops;
} cima_gfiles[] = {
	{ CIMA_FILE_BINARY_LOG, 0400, (void *)1, &cima_global_log_fops },
	{ CIMA_FILE_ASCII_LOG, 0400, NULL, &cima_global_log_fops },
	{ CIMA_FILE_COUNT, 0400, NULL, &cima_count_fops },
	{ CIMA_FILE_VIOLATIONS, 0400, NULL, &cima_violations_fops },
	{ CIMA_FILE_REGISTER, 0400, NULL, &cima_register_seq_fops },
	{ CIMA_FILE_POLICY, 0600, NULL, &cima_policy_seq_fops },
	{ CIMA_FILE_SNAPSHOT, 0400, NULL, &cima_snapshot_fops },
};

static struct dentry *cima_gdent[ARRAY_SIZE(cima_gfiles)];
static struct dentry *cima_self_files[CIMA_CFILES];

void cima_fs_exit(void)
{
	cima_remove_dir(cima_self_dir, cima_self_files, CIMA_CFILES);
	cima_self_dir = NULL;
	cima_containers_dir_exit();
	cima_remove_dir(cima_dir, cima_gdent, ARRAY_SIZE(cima_gdent));
	cima_dir = NULL;
}

int cima_fs_init(void)
{
	unsigned int i;
	int ret;

	cima_dir = securityfs_create_dir("cima", NULL);
	if (IS_ERR(cima_dir)) {
		ret = PTR_ERR(cima_dir);
		cima_dir = NULL;
		return ret;
	}
	for (i = 0; i < ARRAY_SIZE(cima_gfiles); i++) {
		cima_gdent[i] = securityfs_create_file(cima_gfiles[i].name,
						       cima_gfiles[i].mode,
						       cima_dir,
						       cima_gfiles[i].data,
						       cima_gfiles[i].fops);
		if (IS_ERR(cima_gdent[i])) {
			ret = PTR_ERR(cima_gdent[i]);
			cima_gdent[i] = NULL;
			goto err;
		}
	}
	ret = cima_containers_dir_init();
	if (ret)
		goto err;
	ret = cima_create_cfiles(CIMA_DIR_SELF, cima_dir, NULL, true,
				 &cima_self_dir, cima_self_files);
	if (ret)
		goto err;
	return 0;
err:
	cima_fs_exit();
	return ret;
}
