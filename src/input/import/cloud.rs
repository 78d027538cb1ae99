//! Reader of one export kind (DESIGN §11); see [`super`].
