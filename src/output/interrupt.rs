//! Clean-up on Ctrl-C and SIGTERM. Unfinished output files (temporary files that have not been
//! renamed into place yet) and helper processes (the MP4 writer's `ffmpeg`) are registered here
//! while they live; when the process is interrupted, the handler (the `ctrlc` crate, installed
//! with the first registration) kills the helpers, removes the files and exits with code 130.
//! If another handler was installed first (the window's), that one decides, and the writers'
//! destructors clean up as the program unwinds.

use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

/// Exit code after an interrupt (128 + SIGINT), as shells report it.
pub const INTERRUPTED_EXIT_CODE: i32 = 130;

struct Live {
    next: u64,
    paths: Vec<(u64, PathBuf)>,
    children: Vec<(u64, Child)>,
}

static LIVE: Mutex<Live> = Mutex::new(Live { next: 0, paths: Vec::new(), children: Vec::new() });

fn live() -> MutexGuard<'static, Live> {
    LIVE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An entry of the registry; dropping it takes the entry out (and kills a child still in it).
#[derive(Debug)]
pub struct Registered(u64);

fn add(path: Option<&Path>, child: Option<Child>) -> Registered {
    static INSTALL: Once = Once::new();
    // The browser has no signals (and no files or helper processes to clean up).
    #[cfg(not(target_arch = "wasm32"))]
    INSTALL.call_once(|| {
        let _ = ctrlc::set_handler(on_signal);
    });
    #[cfg(target_arch = "wasm32")]
    INSTALL.call_once(|| ());
    let mut live = live();
    live.next += 1;
    let id = live.next;
    if let Some(p) = path {
        live.paths.push((id, p.to_path_buf()));
    }
    if let Some(c) = child {
        live.children.push((id, c));
    }
    Registered(id)
}

/// Registers a temporary file to remove on an interrupt.
pub fn register_temp(path: &Path) -> Registered {
    add(Some(path), None)
}

/// Hands `child` to the registry, together with the temporary file it writes, so that an
/// interrupt kills it and removes the file; [`Registered::take_child`] gets it back.
pub fn register_child(child: Child, temp: &Path) -> Registered {
    add(Some(temp), Some(child))
}

impl Registered {
    /// Takes the child back out of the registry (`None` if there is none).
    pub fn take_child(&self) -> Option<Child> {
        let mut live = live();
        let k = live.children.iter().position(|(id, _)| *id == self.0)?;
        Some(live.children.swap_remove(k).1)
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        let mut live = live();
        live.paths.retain(|(id, _)| *id != self.0);
        if let Some(k) = live.children.iter().position(|(id, _)| *id == self.0) {
            let (_, mut child) = live.children.swap_remove(k);
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn on_signal() {
    let mut live = live();
    for (_, child) in &mut live.children {
        let _ = child.kill();
        let _ = child.wait();
    }
    for (_, path) in &live.paths {
        let _ = std::fs::remove_file(path);
    }
    eprintln!("interrupted: unfinished output files were removed");
    std::process::exit(INTERRUPTED_EXIT_CODE);
}
