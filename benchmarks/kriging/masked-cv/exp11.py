import exp8lib as L
from h import *
obs,fold,nf=L.obs,L.fold,L.nf
cvd={}
for t in obs:
    cand=np.array([j for j in obs if fold[j]!=fold[t]]); F,B=L.feats(L.Xtr,L.todtr,t,cand); cvd[t]=(F[::2],B[::2],L.Xtr[::2,t])
ted={t:L.feats(L.Xte,L.todte,t,obs)+(L.Xte[:,t],) for t in L.hid}
def lad(F,y,lam,its,floor):
    n=len(y); A=F; b=np.linalg.solve(A.T@A/n+lam*np.eye(A.shape[1]),A.T@y/n)
    for _ in range(its):
        w=1/np.maximum(np.abs(y-A@b),floor); Aw=A*w[:,None]
        b=np.linalg.solve(Aw.T@A/w.sum()+lam*np.eye(A.shape[1]),Aw.T@y/w.sum())
    return b
for its,floor in [(3,0.5),(10,0.5),(10,0.1),(20,0.05)]:
  for lam in [0.3,3,30]:
    e=[]
    for k in range(nf):
        F,B,y=L.st([t for t in obs if fold[t]!=k],cvd); b=lad(F,y-B,lam,its,floor)
        Ft,Bt,yt=L.st([t for t in obs if fold[t]==k],cvd); e.append(np.abs(Bt+Ft@b-yt))
    F,B,y=L.st(list(obs),cvd); b=lad(F,y-B,lam,its,floor); Ft,Bt,yt=L.st(L.hid,ted)
    print(its,floor,lam,'cv',round(np.mean(np.concatenate(e)),3),'test',round(np.mean(np.abs(Bt+Ft@b-yt)),3),flush=True)
