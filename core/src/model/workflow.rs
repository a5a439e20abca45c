//! How cases move and how urgent they are: the status state machine and
//! the priority matrix.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Status of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Just opened.
    New,
    /// Being worked on.
    InProgress,
    /// Waiting for the customer.
    AwaitingCustomer,
    /// Solved; can be reopened or closed.
    Resolved,
    /// Final.
    Closed,
    /// Withdrawn; final.
    Cancelled,
}

impl CaseStatus {
    /// Every status.
    pub const ALL: [CaseStatus; 6] = [
        CaseStatus::New,
        CaseStatus::InProgress,
        CaseStatus::AwaitingCustomer,
        CaseStatus::Resolved,
        CaseStatus::Closed,
        CaseStatus::Cancelled,
    ];

    /// The status's name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::AwaitingCustomer => "awaiting_customer",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Closed => "closed",
            CaseStatus::Cancelled => "cancelled",
        }
    }

    /// Whether work on the case is still open.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            CaseStatus::New | CaseStatus::InProgress | CaseStatus::AwaitingCustomer
        )
    }

    /// Whether the state machine allows moving from `self` to `to`.
    /// Reopening is `Resolved -> InProgress`; `Closed` and `Cancelled` are final.
    pub fn can_move_to(self, to: CaseStatus) -> bool {
        use CaseStatus::*;
        matches!(
            (self, to),
            (New, InProgress | AwaitingCustomer | Resolved | Cancelled)
                | (InProgress, AwaitingCustomer | Resolved | Cancelled)
                | (AwaitingCustomer, InProgress | Resolved | Cancelled)
                | (Resolved, InProgress | Closed)
        )
    }

    /// Checks a transition.
    pub fn transition(self, to: CaseStatus) -> Result<CaseStatus> {
        if self.can_move_to(to) {
            Ok(to)
        } else {
            Err(Error::IllegalTransition {
                from: self.as_str().into(),
                to: to.as_str().into(),
            })
        }
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Impact or urgency level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 1 - High.
    High,
    /// 2 - Medium.
    Medium,
    /// 3 - Low.
    Low,
}

impl Level {
    fn index(self) -> usize {
        match self {
            Level::High => 0,
            Level::Medium => 1,
            Level::Low => 2,
        }
    }
}

/// Priority 1 (critical) to 5 (planning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Priority(pub u8);

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{}", self.0)
    }
}

/// Priority from impact and urgency: `cells[impact][urgency]`, High first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct PriorityMatrix {
    /// Rows by impact (high, medium, low), columns by urgency (high, medium, low).
    pub cells: [[u8; 3]; 3],
}

impl Default for PriorityMatrix {
    /// The usual 3x3 matrix: P1 for high/high down to P5 for low/low.
    fn default() -> Self {
        PriorityMatrix {
            cells: [[1, 2, 3], [2, 3, 4], [3, 4, 5]],
        }
    }
}

impl PriorityMatrix {
    /// The priority for an impact and an urgency.
    pub fn priority(&self, impact: Level, urgency: Level) -> Priority {
        Priority(self.cells[impact.index()][urgency.index()])
    }

    /// Checks every cell is a priority 1..=5.
    pub fn check(&self) -> Result<()> {
        if self.cells.iter().flatten().all(|p| (1..=5).contains(p)) {
            Ok(())
        } else {
            Err(Error::InvalidInput(
                "every cell of the priority matrix must be a priority from 1 to 5".into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_machine_allows_only_listed_moves() {
        use CaseStatus::*;
        assert!(New.can_move_to(InProgress));
        assert!(Resolved.can_move_to(InProgress));
        assert!(Resolved.can_move_to(Closed));
        assert!(!Closed.can_move_to(InProgress));
        assert!(!Cancelled.can_move_to(New));
        assert!(!New.can_move_to(Closed));
        assert!(!InProgress.can_move_to(InProgress));
        let err = Closed.transition(New).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::IllegalTransition);
        for s in CaseStatus::ALL {
            assert!(!s.can_move_to(New), "{s} -> new");
        }
    }

    #[test]
    fn default_matrix_is_the_usual_one() {
        let m = PriorityMatrix::default();
        assert_eq!(m.priority(Level::High, Level::High), Priority(1));
        assert_eq!(m.priority(Level::High, Level::Low), Priority(3));
        assert_eq!(m.priority(Level::Medium, Level::Medium), Priority(3));
        assert_eq!(m.priority(Level::Low, Level::Low), Priority(5));
        assert!(m.check().is_ok());
        assert!(PriorityMatrix {
            cells: [[0, 1, 1], [1, 1, 1], [1, 1, 6]]
        }
        .check()
        .is_err());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// No sequence of requested status changes reaches a state the machine forbids:
        /// every accepted move is a listed one, and nothing leaves closed or cancelled.
        #[test]
        fn state_machine_holds(requests in proptest::collection::vec(0usize..6, 0..40)) {
            let mut status = CaseStatus::New;
            for r in requests {
                let to = CaseStatus::ALL[r];
                let before = status;
                match status.transition(to) {
                    Ok(next) => {
                        prop_assert!(before.can_move_to(next));
                        prop_assert!(!matches!(before, CaseStatus::Closed | CaseStatus::Cancelled));
                        status = next;
                    }
                    Err(e) => {
                        prop_assert_eq!(e.code(), crate::ErrorCode::IllegalTransition);
                        prop_assert_eq!(status, before);
                    }
                }
            }
        }
    }
}
