mod fixture;
mod his;
mod workspace;
