//! What the areas built on the store keep in memory beside the file (the items in force, the
//! versions in force, the working-day calendar, the station's signer): each area's own type,
//! made empty the first time it is asked for and dropped with the desk. The store holds them
//! without knowing any of them, so it never imports the areas above it.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A slot an area keeps on the desk: `Default` is the empty slot, the type its key.
pub(crate) trait Memo: Default + Send + Sync + 'static {}

/// The slots of one desk, by type.
#[derive(Default)]
pub(crate) struct Memos {
    slots: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl Memos {
    /// The slot of type `T`, made empty when first asked for.
    pub(crate) fn get<T: Memo>(&self) -> Arc<T> {
        let mut slots = self.slots.lock().expect("memo slots");
        let slot = slots.entry(TypeId::of::<T>()).or_insert_with(|| Arc::new(T::default()));
        Arc::clone(slot).downcast::<T>().expect("a slot holds its own type")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Count(Mutex<i64>);
    impl Memo for Count {}
    #[derive(Default)]
    struct Other(Mutex<i64>);
    impl Memo for Other {}

    #[test]
    fn each_type_has_one_slot_of_its_own() {
        let memos = Memos::default();
        *memos.get::<Count>().0.lock().unwrap() += 2;
        *memos.get::<Count>().0.lock().unwrap() += 3;
        *memos.get::<Other>().0.lock().unwrap() += 7;
        assert_eq!(*memos.get::<Count>().0.lock().unwrap(), 5);
        assert_eq!(*memos.get::<Other>().0.lock().unwrap(), 7);
    }
}
