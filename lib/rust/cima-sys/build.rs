// SPDX-License-Identifier: LGPL-2.1-or-later
// Link libcima (and libcrypto, which the safe crate uses to replay lists
// of events).  CIMA_LIBDIR names the directory of libcima.so when it is not
// on the linker's default path (the source tree: $O).
fn main() {
    println!("cargo:rerun-if-env-changed=CIMA_LIBDIR");
    if let Ok(dir) = std::env::var("CIMA_LIBDIR") {
        if !dir.is_empty() {
            println!("cargo:rustc-link-search=native={}", dir);
        }
    }
    println!("cargo:rustc-link-lib=dylib=cima");
    println!("cargo:rustc-link-lib=dylib=crypto");
}
