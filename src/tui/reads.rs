//! Reads the case manager asks for while the user moves about: a client's
//! networks, and fuzzy-jump hits. They go to a thread of their own, so a
//! slow database (over SSH, or loading its jump index) never holds up a
//! frame; answers come back on a channel the event loop polls.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};

use crate::domain::model::{ClientId, Network};
use crate::domain::search::Hit;
use crate::error::Result;
use crate::store::CaseStore;

/// How many hits a jump asks for.
pub const HITS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    Networks(ClientId),
    Search(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Networks(ClientId, Result<Vec<Network>>),
    Search(String, Result<Vec<Hit>>),
}

/// Where the reads go.
pub enum Reads {
    /// Answered at once by the app's own store (tests, and a reader that
    /// could not be started).
    Inline,
    Thread {
        asks: Sender<Ask>,
        answers: Receiver<Answer>,
    },
}

impl Reads {
    /// A reader thread on `store`, which the app's own writes share (one
    /// connection, one request at a time).
    pub fn spawn(store: Arc<dyn CaseStore + Send + Sync>) -> Reads {
        let (asks, asked) = std::sync::mpsc::channel::<Ask>();
        let (answer, answers) = std::sync::mpsc::channel::<Answer>();
        let spawned = std::thread::Builder::new()
            .name("mlps-reads".into())
            .spawn(move || serve(store.as_ref(), &asked, &answer));
        match spawned {
            Ok(_) => Reads::Thread { asks, answers },
            Err(_) => Reads::Inline,
        }
    }
}

/// Answers asks until the app goes. Of the asks waiting, each client's
/// networks are read once, and only the newest search is run: the user
/// has typed past the others.
fn serve(store: &dyn CaseStore, asked: &Receiver<Ask>, answer: &Sender<Answer>) {
    while let Ok(first) = asked.recv() {
        let waiting: Vec<Ask> = std::iter::once(first).chain(asked.try_iter()).collect();
        let search = waiting.iter().rev().find_map(|a| match a {
            Ask::Search(q) => Some(q.clone()),
            Ask::Networks(_) => None,
        });
        let mut read: Vec<ClientId> = Vec::new();
        for ask in &waiting {
            if let Ask::Networks(id) = ask
                && !read.contains(id)
            {
                read.push(*id);
            }
        }
        let asks = read
            .into_iter()
            .map(Ask::Networks)
            .chain(search.map(Ask::Search));
        for ask in asks {
            if answer.send(answer_now(store, ask)).is_err() {
                return;
            }
        }
    }
}

/// Serves one ask at once, on the app's own store.
pub fn answer_now(store: &dyn CaseStore, ask: Ask) -> Answer {
    match ask {
        Ask::Networks(id) => Answer::Networks(id, store.networks_of(id)),
        Ask::Search(query) => {
            let hits = store.search(&query, HITS);
            Answer::Search(query, hits)
        }
    }
}
