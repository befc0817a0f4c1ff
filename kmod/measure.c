// SPDX-License-Identifier: GPL-2.0
/*
 * What the log says about a container: the event data of every kind is
 * built here, and the files behind exec and mmap events are identified and
 * hashed here.  Callers run in process context, normally as the task the
 * event is about (task_work), so a measurement that fails can stop that
 * task before it runs past the event (policy "fail closed").
 *
 * Hashing is bounded (regular files only, at most cima_max_file_size
 * bytes) and killable: a task that gets SIGKILL while its file is hashed
 * stops hashing at the next chunk.
 *
 * Per container at most cima_max_events events are logged (stop events
 * excepted); reaching the cap logs one "limit" violation and every later
 * event of that container is refused.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/errno.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/stat.h>
#include <linux/iversion.h>
#include <linux/magic.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>
#include <crypto/hash.h>

#include <uapi/cima.h>

#include "bank.h"
#include "container.h"
#include "evbuf.h"
#include "log.h"
#include "measure.h"
#include "policy.h"

unsigned long cima_max_file_size = 1UL << 30;
module_param_named(max_file_size, cima_max_file_size, ulong, 0444);
MODULE_PARM_DESC(max_file_size, "Largest file hashed for an exec or mmap event, in bytes; larger ones are a violation (default 1 GiB; 0: no cap)");

unsigned int cima_max_events = 16384;
module_param_named(max_events, cima_max_events, uint, 0444);
MODULE_PARM_DESC(max_events, "Most events logged per container; reaching it logs one limit violation (default 16384; 0: no cap)");

unsigned int cima_self_event_limit = 1024;
module_param_named(self_event_limit, cima_self_event_limit, uint, 0444);
MODULE_PARM_DESC(self_event_limit, "Most runtime events a container may add through self/event (0: no limit)");

static char *cima_event_buf(struct cima_buf *b)
{
	return cima_buf_alloc(b, GFP_KERNEL_ACCOUNT);
}

/*
 * A measurement of @c failed.  Record it (once per what, error and path
 * and container) and, under "fail closed", kill the task it is about
 * when we run as that task: the kill lands before it returns to user
 * space, so it never runs past the unmeasured event.
 */
void cima_measure_failed(struct cima_container *c, const char *what, int err,
			 const char *path, bool as_task)
{
	bool kill = as_task && cima_policy_fail_closed();

	cima_log_violation(c, what, err, path, kill);
	if (kill)
		force_sig(SIGKILL);
}

/*
 * May @c log one more event?  Reaching the cap logs the one "limit"
 * violation.  A stop event is always allowed.
 */
static int cima_admit(struct cima_container *c, const char *what,
		      bool as_task)
{
	if (!cima_max_events ||
	    atomic_read(&c->nevents) < (int)cima_max_events)
		return 0;
	if (!test_and_set_bit(CIMA_C_LIMITED, &c->flags))
		cima_log_violation(c, CIMA_WHAT_LIMIT, ENOSPC, NULL, false);
	else
		cima_violation_count();
	if (as_task && cima_policy_fail_closed()) {
		cima_log_violation(c, what, ENOSPC, NULL, true);
		force_sig(SIGKILL);
	}
	return -ENOSPC;
}

/* How a container's start, stop, exec and mmap events begin. */
static void cima_event_head(struct cima_buf *b, const char *kind,
			    const struct cima_container *c, u64 cgid)
{
	cima_buf_puts(b, CIMA_DATA_TAG " ");
	cima_buf_puts(b, kind);
	cima_buf_puts(b, " id=");
	cima_buf_puts(b, c->id);
	cima_buf_puts(b, " cg=");
	cima_buf_u64(b, cgid);
}

static void cima_start_data(struct cima_buf *b, struct cima_container *c)
{
	char pod[CIMA_ID_MAX + 1];

	cima_event_head(b, CIMA_KIND_START, c, c->cgid);
	if (cima_policy_pod(c->path, pod)) {
		cima_buf_puts(b, " pod=");
		cima_buf_puts(b, pod);
	}
	cima_buf_puts(b, " path=");
	cima_buf_escape(b, c->path, strlen(c->path));
}

/*
 * A start is measured before mkdir returns, so its data is written
 * without vsnprintf, and on the stack when it fits (docker's and
 * Kubernetes' do), in a CIMA_EVENT_DATA_MAX buffer otherwise.
 */
#define CIMA_START_STACK	512

void cima_measure_start(struct cima_container *c, bool published, int err)
{
	char small[CIMA_START_STACK];
	struct cima_buf b;

	if (!published)
		cima_log_violation(c, CIMA_KIND_START, err, c->path, false);
	cima_buf_init(&b, small, sizeof(small));
	cima_start_data(&b, c);
	if (b.overflow) {
		if (!cima_event_buf(&b)) {
			cima_lost(c);
			return;
		}
		cima_start_data(&b, c);
	}
	if (b.overflow)
		cima_log_violation(c, CIMA_KIND_START, ENAMETOOLONG, NULL,
				   false);
	else
		cima_log_append(c, b.p, b.len);
	if (b.p != small)
		kfree(b.p);
}

void cima_measure_stop(struct cima_container *c)
{
	char data[CIMA_ID_MAX + 64];
	struct cima_buf b;

	BUILD_BUG_ON(sizeof(CIMA_DATA_TAG " " CIMA_KIND_STOP " id= cg=") +
		     CIMA_ID_MAX + 20 > sizeof(data));
	cima_buf_init(&b, data, sizeof(data));
	cima_event_head(&b, CIMA_KIND_STOP, c, c->cgid);
	cima_log_append(c, b.p, b.len);
}

/*
 * File systems that set a file's ctime from the clock, at their stated
 * granularity, on every change, and never let a user set it: there an
 * unchanged (size, mtime, ctime) means unchanged content once the ctime is
 * a tick old.  Not so on FAT and exFAT (the ctime is the mtime, which
 * utimensat sets, in 2 s steps) nor on network file systems (the server's
 * clock and rules); their files are hashed at every exec or mapping.  A
 * FUSE server is the file system: trusted for its attributes as for its
 * bytes when root mounted it (virtiofs, say), never when a user
 * namespace did (a container can mount FUSE and serve changed bytes
 * under unchanged attributes).
 */
static bool cima_honest_ctime(const struct super_block *sb)
{
	switch (sb->s_magic) {
	case TMPFS_MAGIC:
	case RAMFS_MAGIC:
	case EXT4_SUPER_MAGIC:		/* also ext2 and ext3 */
	case XFS_SUPER_MAGIC:
	case BTRFS_SUPER_MAGIC:
	case F2FS_SUPER_MAGIC:
		return true;
	case FUSE_SUPER_MAGIC:		/* also virtiofs */
		return !(sb->s_iflags & SB_I_UNTRUSTED_MOUNTER);
	}
	return false;
}

/*
 * What identifies a file's content without reading it.  Returns false if
 * the file cannot be identified: then it is always hashed.  The identity
 * is trusted (fid->trusted) only if a later change of the file must change
 * it: with an i_version of the inode that holds the data (for overlayfs,
 * the layer's inode, which copy-up replaces), or, on a file system with an
 * honest ctime, when the ctime is older than the current tick of the file
 * system's clock (two same-size writes within one tick leave size, mtime
 * and ctime alike).
 */
static bool cima_file_id(struct file *file, struct cima_file_id *fid)
{
	struct inode *inode = file_inode(file);
	struct inode *real = d_real_inode(file->f_path.dentry);
	struct timespec64 now;
	struct kstat st;
	u32 gran;

	memset(fid, 0, sizeof(*fid));
	if (!real)
		real = inode;
	if (vfs_getattr(&file->f_path, &st, STATX_BASIC_STATS,
			AT_STATX_SYNC_AS_STAT))
		return false;
	fid->ino = st.ino;
	fid->dev = st.dev;
	fid->real_ino = real->i_ino;
	fid->real_dev = real->i_sb->s_dev;
	fid->size = st.size;
	fid->mtime_sec = st.mtime.tv_sec;
	fid->mtime_nsec = st.mtime.tv_nsec;
	fid->ctime_sec = st.ctime.tv_sec;
	fid->ctime_nsec = st.ctime.tv_nsec;
	if (IS_I_VERSION(real)) {
		fid->iversion = inode_query_iversion(real);
		fid->trusted = true;
		return true;
	}
	if (!cima_honest_ctime(inode->i_sb) || !cima_honest_ctime(real->i_sb))
		return true;
	/* Trusted when now - ctime >= the coarser of both time granularities. */
	gran = max(inode->i_sb->s_time_gran, real->i_sb->s_time_gran);
	ktime_get_coarse_real_ts64(&now);
	fid->trusted = timespec64_to_ns(&now) - timespec64_to_ns(&st.ctime) >=
		       (s64)max_t(u32, gran, 1);
	return true;
}

#define CIMA_READ_CHUNK	(32 * 1024)

/*
 * Hash a regular file of at most cima_max_file_size bytes with the
 * strongest bank.  -EINVAL: not a regular file; -EFBIG: too big (also if
 * it grows while it is read); -EINTR: the task got a fatal signal.
 */
static int cima_hash_file(struct file *file, u8 *digest)
{
	struct crypto_shash *tfm = cima_bank[cima_strongest].tfm;
	u64 max = cima_max_file_size ? cima_max_file_size : U64_MAX;
	struct shash_desc *desc;
	size_t bufsz = CIMA_READ_CHUNK;
	loff_t pos = 0;
	void *buf;
	int ret;

	if (!S_ISREG(file_inode(file)->i_mode))
		return -EINVAL;
	if ((u64)i_size_read(file_inode(file)) > max)
		return -EFBIG;
	desc = kmalloc(sizeof(*desc) + crypto_shash_descsize(tfm), GFP_KERNEL);
	if (!desc)
		return -ENOMEM;
	buf = kmalloc(bufsz, GFP_KERNEL | __GFP_NOWARN);
	if (!buf) {
		bufsz = PAGE_SIZE;
		buf = kmalloc(bufsz, GFP_KERNEL);
	}
	if (!buf) {
		kfree(desc);
		return -ENOMEM;
	}
	desc->tfm = tfm;
	ret = crypto_shash_init(desc);
	while (!ret) {
		ssize_t n;

		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		n = kernel_read(file, buf, bufsz, &pos);
		if (n < 0)
			ret = n;
		if (n <= 0)
			break;
		if ((u64)pos > max) {
			ret = -EFBIG;
			break;
		}
		ret = crypto_shash_update(desc, buf, n);
		cond_resched();
	}
	if (!ret)
		ret = crypto_shash_final(desc, digest);
	kfree(buf);
	kfree_sensitive(desc);
	return ret;
}

static const char *const cima_file_kinds[] = {
	[CIMA_FILE_EXEC] = CIMA_KIND_EXEC,
	[CIMA_FILE_MMAP] = CIMA_KIND_MMAP,
};

/*
 * An exec'd file (the program, or the script the kernel opened for a #!
 * interpreter) or a file mapped executable, in container @c whose task is
 * in cgroup @cgid.  Logged once per (kind, path, content).
 */
void cima_measure_file(struct cima_container *c, enum cima_file_kind kind,
		       struct file *file, u64 cgid, bool as_task)
{
	const struct cima_bank *sb = &cima_bank[cima_strongest];
	const char *what = cima_file_kinds[kind];
	u8 digest[CIMA_MAX_DIGEST];
	struct cima_file_id fid;
	bool have_id;
	struct cima_buf b;
	char *pbuf, *path;
	int ret;

	/*
	 * A device mapped executable (/dev/zero, say) holds no file content
	 * to measure: like anonymous memory, it is not covered (IMA skips
	 * non-regular files the same way).  An exec'd file is always regular.
	 */
	if (kind == CIMA_FILE_MMAP && !S_ISREG(file_inode(file)->i_mode))
		return;
	pbuf = __getname();
	if (!pbuf) {
		cima_lost(c);
		if (as_task && cima_policy_fail_closed())
			force_sig(SIGKILL);
		return;
	}
	path = d_path(&file->f_path, pbuf, PATH_MAX);
	/*
	 * A file reached only through a detached bind mount of itself (runc
	 * runs "runc init" that way) has d_path "/": name it by its path
	 * inside its file system instead.
	 */
	if (!IS_ERR(path) && !strcmp(path, "/") &&
	    !d_is_dir(file->f_path.dentry))
		path = dentry_path_raw(file->f_path.dentry, pbuf, PATH_MAX);
	if (IS_ERR(path)) {
		cima_measure_failed(c, what, PTR_ERR(path), NULL, as_task);
		goto out_name;
	}
	have_id = cima_file_id(file, &fid);
	if (have_id && fid.trusted) {
		mutex_lock(&c->exec_lock);
		ret = cima_seen_file(c, kind, path, &fid);
		mutex_unlock(&c->exec_lock);
		if (ret)
			goto out_name;	/* same file, same path: logged */
	}

	ret = cima_hash_file(file, digest);
	if (ret) {
		cima_measure_failed(c, what, ret, path, as_task);
		goto out_name;
	}

	mutex_lock(&c->exec_lock);
	if (cima_seen_digest(c, kind, path, digest, sb->size,
			     have_id ? &fid : NULL))
		goto out_unlock;
	if (cima_admit(c, what, as_task))
		goto out_unlock;
	if (!cima_event_buf(&b)) {
		cima_lost(c);
		if (as_task && cima_policy_fail_closed())
			force_sig(SIGKILL);
		goto out_unlock;
	}
	cima_event_head(&b, what, c, cgid);
	cima_buf_puts(&b, " file=");
	cima_buf_puts(&b, sb->name);
	cima_buf_puts(&b, ":");
	cima_buf_hex(&b, digest, sb->size);
	cima_buf_puts(&b, " path=");
	cima_buf_escape(&b, path, strlen(path));
	if (b.overflow) {
		cima_measure_failed(c, what, -ENAMETOOLONG, NULL, as_task);
	} else if (cima_log_append(c, b.p, b.len)) {
		if (as_task && cima_policy_fail_closed())
			force_sig(SIGKILL);
	} else {
		/* Without the cache entry the pair is logged again: harmless. */
		cima_seen_add(c, kind, path, digest, sb->size,
			      have_id ? &fid : NULL);
	}
	kfree(b.p);
out_unlock:
	mutex_unlock(&c->exec_lock);
out_name:
	__putname(pbuf);
}

/*
 * A runtime event "<name> <value>[\n]" (NUL-terminated, @len bytes) for
 * container @c.  Returns after the register was extended, or a negative
 * errno with nothing logged.
 */
int cima_measure_runtime(struct cima_container *c, bool self,
			 const char *text, size_t len)
{
	const char *sp, *value;
	struct cima_buf b;
	size_t nlen, vlen, i;
	int ret;

	if (strlen(text) != len)
		return -EINVAL;		/* embedded NUL */
	if (len && text[len - 1] == '\n')
		len--;
	sp = memchr(text, ' ', len);
	if (!sp)
		return -EINVAL;
	nlen = sp - text;
	value = sp + 1;
	vlen = len - nlen - 1;
	if (!cima_valid_word(text, nlen, CIMA_RUNTIME_NAME_MAX) || !vlen)
		return -EINVAL;
	for (i = 0; i < vlen; i++)
		if ((u8)value[i] < 0x21 || (u8)value[i] > 0x7e)
			return -EINVAL;
	if (test_bit(CIMA_C_STOPPED, &c->flags))
		return -ENOENT;
	if (cima_admit(c, CIMA_KIND_RUNTIME, false))
		return -ENOSPC;
	/* Any process of the container may write self/: bound its memory. */
	if (self && cima_self_event_limit &&
	    atomic_inc_return(&c->nself) > cima_self_event_limit) {
		atomic_dec(&c->nself);
		return -ENOSPC;
	}

	if (!cima_event_buf(&b)) {
		if (self && cima_self_event_limit)
			atomic_dec(&c->nself);
		return -ENOMEM;
	}
	cima_buf_printf(&b, CIMA_DATA_TAG " " CIMA_KIND_RUNTIME
			" id=%s src=%s name=%.*s value=", c->id,
			self ? CIMA_SRC_SELF : CIMA_SRC_RUNTIME, (int)nlen, text);
	cima_buf_escape(&b, value, vlen);
	ret = b.overflow ? -EINVAL : cima_log_append(c, b.p, b.len);
	kfree(b.p);
	if (ret && self && cima_self_event_limit)
		atomic_dec(&c->nself);
	return ret;
}
