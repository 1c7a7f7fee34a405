//! Who works in the workspace. In the app, the operator logged in at the desk, refused at the
//! door unless finance or an administrator (`Permission::Reconcile`, checked in the core). At
//! the command line, on a finance PC that has no station, the person running it: the
//! workspace needs no login, and every change it journals names them.

use downtime_core::error::Result;
use downtime_core::ids::clean_text;
use downtime_core::{Actor, Permission};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clerk {
    name: String,
}

impl Clerk {
    /// An operator of the desk: finance or an administrator.
    pub fn operator(actor: &Actor) -> Result<Clerk> {
        actor.require(Permission::Reconcile)?;
        Ok(Clerk {
            name: actor.name().to_string(),
        })
    }

    /// The person at the command line, by the name they give (or their login name).
    pub fn command_line(name: &str) -> Result<Clerk> {
        Ok(Clerk {
            name: clean_text(name, 40, ("姓名", "The name"))?,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}
