//! The simulator as a script [`Target`]: each script step is one input to
//! [`crate::sim::Sim::apply`], so running a script records exactly the
//! input log the page would record for the same clicks (and exporting it
//! prints the script back).

use super::Target;
use crate::repl::Sim;
use crate::resp::Frame;
use crate::sim::{Input, SimError};

impl Target for Sim {
    fn apply(&mut self, input: &Input) -> Result<Option<Frame>, String> {
        let settle = *input == Input::Settle;
        match Sim::apply(self, input.clone()) {
            Ok(applied) => Ok(applied.reply()),
            Err(e @ SimError::NotReplica(_)) => Err(format!("resync: {e}")),
            Err(e) if settle => Err(format!("settle: {e}")),
            Err(e) => Err(e.to_string()),
        }
    }
}
